import { jsonObject } from '../../domain/usage/usage.js';
import type { AgentResume } from '../resume.js';

/**
 * Claude Code 2.1 (`--resume <session id>` continues a conversation and keeps its id): every transcript line names
 * its `sessionId` and the `cwd` it ran in.
 */
export const claudeResume: AgentResume = {
  args: (id) => ['--resume', id],
  identity: () => (line) => {
    if (!line.includes('"sessionId"')) return undefined;
    const record = jsonObject(line);
    const id = record?.sessionId;
    const cwd = record?.cwd;
    if (typeof id !== 'string') return undefined;
    return typeof cwd === 'string' ? { id, cwd } : { id };
  },
};
