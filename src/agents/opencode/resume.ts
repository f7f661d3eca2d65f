import { piResume } from '../pi/resume.js';
import type { AgentResume } from '../resume.js';

/**
 * OpenCode 1.18.33 (`--session <id>` continues a session, `ses_...`): the first line of each record file czar's
 * plugin writes is `type: "session"` with the session's `id` and the `cwd` it was held in, as in a pi session file,
 * so pi's reading serves.
 */
export const opencodeResume: AgentResume = {
  args: (id) => ['--session', id],
  identity: piResume.identity,
};
