import { CZAR_SESSION } from '../domain/model/paths.js';
import type { PaneInfo } from './tmux-words.js';

/** Kills each live agent pane's process group; the czar's own pane is left to tmux's hang-up. */
export function killProcessGroups(panes: readonly PaneInfo[]): void {
  for (const pane of panes) {
    try {
      if (!pane.dead && pane.pid > 1 && pane.session !== CZAR_SESSION) process.kill(-pane.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
