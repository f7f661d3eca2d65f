import { field, jsonObject } from '../../domain/usage/usage.js';
import type { AgentResume } from '../resume.js';

/**
 * GitHub Copilot CLI 1.0 (`--resume=<session id>` continues a session and keeps its id): a session's first event,
 * `session.start`, names its `sessionId` and the `context.cwd` it was held in.
 */
export const copilotResume: AgentResume = {
  args: (id) => [`--resume=${id}`],
  identity: () => (line) => {
    if (!line.includes('"session.start"')) return undefined;
    const record = jsonObject(line);
    const id = field(record?.data, 'sessionId');
    const cwd = field(field(record?.data, 'context'), 'cwd');
    if (record?.type !== 'session.start' || typeof id !== 'string') return undefined;
    return typeof cwd === 'string' ? { id, cwd } : { id };
  },
};
