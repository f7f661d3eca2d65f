import { createHash } from 'node:crypto';
import { jsonObject } from '../../domain/usage/usage.js';
import type { AgentResume } from '../resume.js';

/**
 * Gemini CLI 0.61 (`--resume <session id>`): a chat's first line names its `sessionId` and a `projectHash`, the
 * SHA-256 of the folder it was held in, so the folder is known only by comparing it with the worktree's.
 */
export const geminiResume: AgentResume = {
  args: (id) => ['--resume', id],
  identity: (worktree) => {
    const own = createHash('sha256').update(worktree).digest('hex');
    return (line) => {
      if (!line.includes('"projectHash"')) return undefined;
      const record = jsonObject(line);
      const id = record?.sessionId;
      const hash = record?.projectHash;
      if (typeof id !== 'string' || typeof hash !== 'string') return undefined;
      return { id, cwd: hash === own ? worktree : `a folder whose hash is ${hash.slice(0, 16)}` };
    };
  },
};
