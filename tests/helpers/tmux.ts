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
  onTestFinished(() => tmux.killServer());
  return tmux;
}
