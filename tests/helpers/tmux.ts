import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';

/** A unique private tmux socket name for one test. */
export function uniqueSocket(prefix = 'czar-test'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Stops a private tmux server (and removes its socket) and what ran in it: each pane is its own process group, which is killed first, so
 * agents that ignore the hang-up (Gemini CLI and Codex helpers do) do not outlive the test.
 */
export async function killFleetServer(tmux: Tmux): Promise<void> {
  for (const pane of await tmux.listPanes().catch(() => [])) {
    try {
      if (!pane.dead && pane.pid > 1) process.kill(-pane.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await tmux.killServer().catch(() => undefined);
}

/**
 * A private tmux server for the current test, killed (and its socket removed) when the test ends, pass or fail.
 * Never the user's default server.
 */
export function privateTmux(): Tmux {
  const tmux = new Tmux(uniqueSocket());
  onTestFinished(() => killFleetServer(tmux));
  return tmux;
}
