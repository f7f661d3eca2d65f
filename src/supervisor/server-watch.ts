import type { Tmux } from '../adapters/tmux.js';

/** How often the czar asks whether its fleet's tmux server still runs. */
const PROBE_MS = 2_000;
/** Answers of "no server" in a row that mean it is gone (one may be a server busy starting a session). */
const GONE_AFTER = 2;

/**
 * Watches the fleet's tmux server, the truth for the fleet's liveness: once a server this czar saw running is gone
 * (killed, its socket removed), there is no fleet left to supervise and `gone` is called, once. A czar started
 * before any server runs (every worker on a host) waits until it sees one. Returns the function that stops the watch.
 */
export function watchServer(tmux: Tmux, gone: () => void): () => void {
  let seen = false;
  let missing = 0;
  let probing = false;
  const probe = async (): Promise<void> => {
    if (probing) return;
    probing = true;
    try {
      const running = await tmux.serverRunning().catch(() => false);
      seen ||= running;
      missing = running ? 0 : missing + 1;
      if (seen && missing === GONE_AFTER) {
        clearInterval(timer);
        gone();
      }
    } finally {
      probing = false;
    }
  };
  const timer = setInterval(() => void probe(), PROBE_MS);
  void probe();
  return () => clearInterval(timer);
}
