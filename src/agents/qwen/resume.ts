import { claudeResume } from '../claude/resume.js';
import type { AgentResume } from '../resume.js';

/**
 * Qwen Code 0.24 (`--resume <session id>` continues a chat): its chat lines name their `sessionId` and `cwd` as
 * Claude Code's transcript lines do, so Claude's reading serves.
 */
export const qwenResume: AgentResume = {
  args: (id) => ['--resume', id],
  identity: claudeResume.identity,
};
