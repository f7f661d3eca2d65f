import { describe, expect, it } from 'vitest';
import type { PaneInfo } from '../../src/adapters/tmux-words.js';
import type { Fleet } from '../../src/fleet/handle.js';
import { fleetPanes } from '../../src/fleet/panes.js';
import { paneInfo } from '../helpers/fleet.js';

/** A fleet of local workers whose tmux server answers a pane listing with `answer`. */
const fleetAnswering = (answer: PaneInfo[] | undefined): Fleet =>
  ({
    config: { workers: [{ name: 'a' }, { name: 'b' }] },
    tmux: { panes: async () => answer },
  }) as unknown as Fleet;

const pane = (session: string): PaneInfo => paneInfo({ session });

describe('the panes of a fleet', () => {
  it('takes a server that answers with no pane at all for one going down, not for one whose workers all crashed', async () => {
    // Measured with tmux 3.3a: inside `kill-server` the sessions end first, and a list-panes that lands before the
    // server exits succeeds, empty (9 of 302 answers of six askers at once). A server with no session left exits.
    expect((await fleetPanes(fleetAnswering([]), new Set())).localGone).toBe(true);
    expect((await fleetPanes(fleetAnswering(undefined), new Set())).localGone).toBe(true);
  });

  it('takes a server that lists any pane for one still up, whose missing workers are missing', async () => {
    const answer = await fleetPanes(fleetAnswering([pane('czar'), pane('a')]), new Set());
    expect(answer.localGone).toBe(false);
    expect([...answer.panes.keys()]).toEqual(['czar', 'a']);
  });
});
