import { appendFileSync, existsSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';

/** A report line of the door's own worker, as `czar report` writes it in its box. */
function reportLine(state: string, note: string, seq: number): string {
  return `${JSON.stringify({ worker: 'quiet', state, note, at: new Date().toISOString(), source: 'cli', seq })}\n`;
}

// A file watch can lose a write (a busy machine's watches have): the door's report is read at the sweep all the same.
describe.skipIf(!existsSync('/usr/bin/bwrap'))("a boxed worker's report the door's watch never tells", () => {
  it('is passed on at the next sweep of the doors', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'quiet', sandbox: 'required', task: '# Quiet\n@sim hang' }],
      policy: { idle_after: '1h', stuck_after: '2h', escalate_after: '1h', bonus: 'off' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForEvent('report', 'quiet');
    const stream = path.join(fx.root, '.czar', 'doors', 'quiet', 'reports', 'quiet.jsonl');
    // The czar runs in this process, so nothing of its watch runs between these writes. A line the watch tells,
    // leaving the stream's modification time at a known value...
    appendFileSync(stream, reportLine('working', 'told by the watch', 50));
    utimesSync(stream, 1000, 1000);
    await fx.waitForEvent('report', 'quiet', { match: (event) => event.message.includes('told by the watch') });
    // ...then one it does not: the watch takes a change that leaves the modification time as it was, and was read
    // after it, for no change at all.
    appendFileSync(stream, reportLine('done', 'never told', 51));
    utimesSync(stream, 5000, 1000);
    const done = await fx.waitForEvent('report', 'quiet', {
      match: (event) => event.message.includes('never told'),
      timeoutMs: 30_000,
    });
    expect(done.message).toContain('done');
  });
});
