import { describe, expect, it } from 'vitest';
import { CZAR_BIN } from '../helpers/cli.js';
import { hostFleet } from '../helpers/host-fleet.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = await sshHostsUnavailable();

describe.skipIf(unavailable !== undefined)(
  `czar attach on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it('attaches the terminal to a worker on its host, and detaching comes back', async () => {
      const { fixture, machine } = await hostFleet({
        hosts: [{ name: 'far' }],
        workers: [{ name: 'r1', task: 'Build r1.\n@sim work 600 the long part on the host', host: 'far' }],
      });
      const host = machine('far');
      await fixture.launchWave();
      const socket = fixture.fleet.config.tmuxSocket;
      // The terminals attached there; the launch's own control client is not one.
      const clients = async () =>
        (
          await host.exec(['tmux', '-L', socket, 'list-clients', '-F', '#{client_control_mode}#{client_session}'])
        ).stdout
          .split('\n')
          .filter((line) => line.startsWith('0'))
          .map((line) => line.slice(1));

      // The person's terminal: its own tmux server with prefix Ctrl-a, so Ctrl-b reaches the host's tmux client.
      const term = privateTmux();
      const pane = await term.newSession({
        name: 'person',
        cwd: fixture.root,
        argv: [
          'env',
          '-u',
          'TMUX',
          '-u',
          'TMUX_PANE',
          'TERM=xterm-256color',
          process.execPath,
          CZAR_BIN,
          'attach',
          'r1',
          '-c',
          fixture.configFile,
        ],
        width: 100,
        height: 30,
      });
      await term.chain([
        ['set-option', '-g', 'prefix', 'C-a'],
        ['set-option', '-g', 'prefix2', 'None'],
      ]);
      await waitFor(async () => (await term.capture(pane)).includes('the long part on the host'), {
        what: "r1's agent screen in the person's terminal",
      });
      expect(await clients()).toEqual(['r1']);

      await term.sendKeys(pane, ['C-b', 'd']);
      const ended = await waitFor(
        async () => (await term.listPanes()).find((info) => info.paneId === pane && info.dead),
        { what: 'czar attach to return after the detach' },
      );
      // tmux 3.3a loses the exit status of some quickly exiting panes (measured): judge it where tmux kept it.
      expect(ended.deadStatus ?? 0).toBe(0);
      const after = await term.capture(pane);
      expect(after).not.toContain('the long part on the host');
      expect(after).not.toContain('Shared connection');
      expect(await clients()).toEqual([]);
    });
  },
);
