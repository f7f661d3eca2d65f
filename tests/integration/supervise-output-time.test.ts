import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logFile } from '../../src/domain/model/paths.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

/** Keeps this process's event loop, the czar's too, from running for `ms`: what a long git look does to it. */
function holdTheLoop(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('czar supervision: when a pane last wrote', () => {
  it('is the time the pane wrote, not the time a busy czar got to the log event', async () => {
    const fx = await fleetFixture({
      // It hangs after its report: a turn that ended would draw its input box again once its turn-end report is
      // through, which waits on the czar this test holds.
      workers: [{ name: 'w', task: 'Work.\n@sim report working 10 started\n@sim hang' }],
      policy: { idle_after: '5m', stuck_after: '10m', escalate_after: '5m' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((s) => workerIn(s, 'w').state === 'working', { what: 'w working' });

    const log = logFile(fx.fleet.paths, 'w');
    // The sim writes its report's note after the report, on a loaded machine a while later: the line below is
    // appended once that is written and the pane has been still for a second, so that the line is its last output.
    await waitFor(
      () => readFileSync(log, 'utf8').includes('reported working') && Date.now() - statSync(log).mtimeMs > 1000,
      { what: 'the pane still after its report', timeoutMs: 30_000 },
    );
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
