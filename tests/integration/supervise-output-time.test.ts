import { appendFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logFile } from '../../src/domain/paths.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

/** Keeps this process's event loop, the czar's too, from running for `ms`: what a long git look does to it. */
function holdTheLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('czar supervision: when a pane last wrote', () => {
  it('is the time the pane wrote, not the time a busy czar got to the log event', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'w', task: 'Work.\n@sim report working 10 started\n@sim quiet' }],
      policy: { idle_after: '5m', stuck_after: '10m', escalate_after: '5m' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((s) => workerIn(s, 'w').state === 'working', { what: 'w working' });

    const log = logFile(fx.fleet.paths, 'w');
    appendFileSync(log, 'a line of output\r\n');
    const wroteAt = statSync(log).mtimeMs;
    holdTheLoop(2000);

    const shown = await fx.waitForStatus(
      (s) => {
        const at = workerIn(s, 'w').lastOutputAt;
        return at !== undefined && Date.parse(at) >= wroteAt - 5;
      },
      { what: 'the output time of the line written' },
    );
    expect(Date.parse(workerIn(shown, 'w').lastOutputAt ?? '')).toBeLessThan(wroteAt + 500);
  });
});
