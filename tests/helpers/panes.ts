import { readlink } from 'node:fs/promises';
import { Tmux } from '../../src/adapters/tmux.js';
import { CZAR_SESSION } from '../../src/domain/model/paths.js';

/**
 * Where each live agent pane of a fleet's tmux server really runs: the working directory of the pane's process
 * (`/proc/<pid>/cwd`), keyed by session name. The czar's own session is left out.
 */
export async function agentCwds(socket: string): Promise<Map<string, string>> {
  const cwds = new Map<string, string>();
  for (const pane of await new Tmux(socket).listPanes()) {
    if (pane.dead || pane.session === CZAR_SESSION) continue;
    const cwd = await readlink(`/proc/${pane.pid}/cwd`).catch(() => undefined);
    if (cwd !== undefined) cwds.set(pane.session, cwd);
  }
  return cwds;
}
