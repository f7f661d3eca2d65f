import { rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';

/** A unique private tmux socket name for one test. */
export function uniqueSocket(prefix = 'czar-test'): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * A private tmux server for the current test, killed (and its socket removed) when the test ends, pass or fail.
 * Never the user's default server.
 */
export function privateTmux(): Tmux {
  const tmux = new Tmux(uniqueSocket());
  onTestFinished(async () => {
    await tmux.killServer().catch(() => undefined);
    const uid = process.getuid?.() ?? 0;
    await rm(`${process.env.TMUX_TMPDIR ?? '/tmp'}/tmux-${uid}/${tmux.socket}`, { force: true }).catch(() => undefined);
  });
  return tmux;
}
