import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/adapters/state-files.js';
import { reportFile } from '../../src/domain/paths.js';
import type { WorkerReport } from '../../src/domain/report.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: what the real agents signal', () => {
  it('keeps a worker done when its turn ends right after its done report, as Claude Code\'s Stop hook does', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'finisher', task: '# Finish\n@sim write src/f.ts export const f = 1;\\n\n@sim commit f: one file\n@sim done all in' }],
    });
    await fx.launchWave();
    await fx.supervise();

    // The sim ends its turn after the done report, as a Stop hook does about 0.2 s later.
    const file = reportFile(fx.fleet.paths, 'finisher');
    const turnEnd = await waitFor(async () => {
      const report = await readJson<WorkerReport>(file);
      return report?.source === 'sim:turn-end' ? report : undefined;
    }, { timeoutMs: 30_000, what: 'the turn-end report after done' });
    expect(turnEnd.state).toBe('done');
    // A pass of the czar that saw the turn end: the state stays done and nothing was sent to the finished worker.
    const seenAt = Date.now();
    const status = await fx.waitForStatus((s) => Date.parse(s.updatedAt) > seenAt + 500, { what: 'a status written after the turn end' });
    expect(workerIn(status, 'finisher').state).toBe('done');
    const events = (await fx.events()).filter((event) => event.worker === 'finisher');
    expect(events.filter((event) => event.kind === 'state').map((event) => event.message)).not.toContain('done -> idle');
    expect(events.map((event) => event.kind)).not.toContain('nudge');
  });
});
