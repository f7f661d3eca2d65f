import { field, jsonObject } from '../../domain/usage/usage.js';
import type { AgentResume } from '../resume.js';

/**
 * Codex 0.169 (`codex resume <session id>`, after the other options: it takes them as the TUI does): a rollout's
 * first line is its `session_meta`, with the session's `id` and `cwd`.
 */
export const codexResume: AgentResume = {
  args: (id) => ['resume', id],
  identity: () => (line) => {
    if (!line.includes('"session_meta"')) return undefined;
    const record = jsonObject(line);
    if (record?.type !== 'session_meta') return undefined;
    const id = field(record.payload, 'id');
    const cwd = field(record.payload, 'cwd');
    if (typeof id !== 'string') return undefined;
    return typeof cwd === 'string' ? { id, cwd } : { id };
  },
};
