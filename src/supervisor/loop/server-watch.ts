import type { Tmux } from '../../adapters/tmux.js';

/** How often the czar asks whether its fleet's tmux server still runs. */
const PROBE_MS = 2_000;
/** Answers of "no server" in a row that mean it is gone (one may be a server busy starting a session). */
const GONE_AFTER = 2;
/**
 * Between real questions to tmux, a socket still in place counts as a running server: a probe is a process (about
 * 6 ms of the czar's CPU), a look at the socket is not. `kill-server` removes the socket; a server killed hard
 * leaves it, and is found by the real question every this many probes.
 */
const ASK_EVERY = 5;

/**
 * Watches the fleet's tmux server, the truth for the fleet's liveness: once a server this czar saw running is gone
 * (killed, its socket removed), there is no fleet left to supervise and `gone` is called, once. A czar started
 * before any server runs (every worker on a host) waits until it sees one. Returns the function that stops the watch.
 */
export function watchServer(tmux: Tmux, gone: () => void): () => void {
  let seen = false;
  let missing = 0;
  let probing = false;
  let probes = 0;
  const probe = async (): Promise<void> => {
    if (probing) return;
    probing = true;
    try {
      probes += 1;
      // Only tmux's own answer counts as having seen a server: a socket may be a dead server's.
      const socket = seen && probes % ASK_EVERY !== 0 ? await tmux.socketPresent()?.catch(() => false) : undefined;
      const running = socket === true || (await tmux.serverRunning().catch(() => false));
      if (socket !== true) seen ||= running;
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
