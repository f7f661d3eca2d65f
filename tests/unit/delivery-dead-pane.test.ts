import { describe, expect, it } from 'vitest';
import type { Tmux } from '../../src/adapters/tmux.js';
import { DEAD_STATUS_GRACE_MS, type PaneInfo } from '../../src/adapters/tmux-words.js';
import { presetFor } from '../../src/agents/index.js';
import { Delivery } from '../../src/delivery/delivery-pane.js';
import { paneInfo } from '../helpers/fleet.js';

const pane = (overrides: Partial<PaneInfo>): PaneInfo =>
  paneInfo({ session: 'broken', currentCommand: 'false', ...overrides });

/** A tmux that answers each look at the pane with the next of `answers`, the last one from then on. */
function tmuxAnswering(...answers: PaneInfo[]): { tmux: Tmux; asked: () => number } {
  let asked = 0;
  const tmux = { socket: 'czar-test', pane: () => Promise.resolve(answers[Math.min(asked++, answers.length - 1)]) };
  return { tmux: tmux as unknown as Tmux, asked: () => asked };
}

const failing = (tmux: Tmux): Promise<void> =>
  new Delivery(tmux, '%0', presetFor('sim'), { worker: 'broken' }).checkPane();

// tmux 3.3a marks a pane dead when its pty closes, and fills in the exit status a moment later (measured in CI: a
// launch that read the pane in between said the agent "exited", without the status that says why).
describe('an agent that exited before its task was delivered', () => {
  it('is named with the exit status tmux fills in a moment after it marks the pane dead', async () => {
    const { tmux, asked } = tmuxAnswering(
      pane({ dead: true }),
      pane({ dead: true }),
      pane({ dead: true, deadStatus: 1 }),
    );
    await expect(failing(tmux)).rejects.toThrow(
      'Worker "broken" has an agent that exited with status 1 before its task was delivered; look at its pane with "tmux -L czar-test attach -t %0" and fix that, then start the worker again.',
    );
    expect(asked()).toBe(3);
  });

  it('is named without a status when tmux gives none within the grace', async () => {
    const { tmux } = tmuxAnswering(pane({ dead: true }));
    const started = Date.now();
    await expect(failing(tmux)).rejects.toThrow(
      /^Worker "broken" has an agent that exited before its task was delivered;/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(DEAD_STATUS_GRACE_MS);
  });
});
