import { jsonObject } from '../../domain/usage/usage.js';
import type { AgentResume } from '../resume.js';

/**
 * pi 0.73 (`--session <id>` continues a session): a session file's first line is `type: "session"` with its `id`
 * and the `cwd` it was held in.
 */
export const piResume: AgentResume = {
  args: (id) => ['--session', id],
  identity: () => (line) => {
    if (!line.includes('"session"')) return undefined;
    const record = jsonObject(line);
    if (record?.type !== 'session' || typeof record.id !== 'string') return undefined;
    return typeof record.cwd === 'string' ? { id: record.id, cwd: record.cwd } : { id: record.id };
  },
};
