import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PANE_LOG_BOUND } from '../../src/adapters/pane-log.js';
import { logFile } from '../../src/domain/model/paths.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

describe('the output log of a supervised pane', () => {
  it('is cut back by the czar once it passes its bound', async () => {
    const fx = await fleetFixture({
      agents: () => ({ plain: { command: 'bash', args: ['--norc', '--noprofile'] } }),
      workers: [
        {
          name: 'chatty',
          agent: 'plain',
          // More output than the bound, as an agent's screen draws make in an hour or two.
          task: `head -c ${PANE_LOG_BOUND + (1 << 20)} /dev/zero | tr '\\0' x; echo; echo drawn`,
        },
      ],
    });
    const log = logFile(fx.fleet.paths, 'chatty');
    const size = async (): Promise<number> => (await stat(log).catch(() => ({ size: 0 }))).size;
    await fx.launchWave();
    await waitFor(async () => ((await size()) > PANE_LOG_BOUND ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the log past its bound',
    });
    await fx.supervise();
    await waitFor(async () => ((await size()) < 1 << 20 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the log cut back by the czar',
    });
    // bash's readline had said whether it takes bracketed pastes: the cut log starts with that word again.
    expect(['\x1b[?2004h', '\x1b[?2004l']).toContain((await readFile(log, 'latin1')).slice(0, 8));
  });
});
