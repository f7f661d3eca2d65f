import { jsonObject } from '../../domain/usage/usage.js';
import type { AgentResume } from '../resume.js';

/**
 * Auggie 0.36 (`--resume <session id>` continues a session and keeps its id): the first line czar reads of a session
 * (`auggieSessionLines`) names its id and the folder it was held in.
 */
export const auggieResume: AgentResume = {
  args: (id) => ['--resume', id],
  identity: () => (line) => {
    if (!line.includes('"session"')) return undefined;
    const record = jsonObject(line);
    if (record?.type !== 'session' || typeof record.id !== 'string') return undefined;
    return typeof record.cwd === 'string' ? { id: record.id, cwd: record.cwd } : { id: record.id };
  },
};
