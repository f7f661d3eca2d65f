import { appendFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/domain/model/words.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

/** Appends one report line to a worker's stream, as `czar report` does. */
async function put(file: string, content: string): Promise<void> {
  await appendFile(file, `${content}\n`);
}

describe('czar supervision: untrusted worker files', () => {
  it('rejects bad reports and bad result files with bad_report, keeps running, and takes the next valid report', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'w', task: '# Work a long time\n@sim work 60 long' }] });
    await fx.launchWave();
    expect((await stat(fx.fleet.paths.root)).mode & 0o777).toBe(0o700);
    await fx.supervise();
    await fx.waitForEvent('report', 'w');
    const reports = fx.fleet.paths.reports;
    const file = path.join(reports, 'w.jsonl');
    let seq = Date.now() + 1_000_000;
    const report = (fields: Record<string, unknown>): string =>
      JSON.stringify({
        worker: 'w',
        state: 'working',
        at: new Date().toISOString(),
        source: 'cli',
        seq: ++seq,
        ...fields,
      });
    let seen = 0;
    const nextBad = async (worker: string | undefined, pattern: RegExp): Promise<FleetEvent> => {
      const event = await fx.waitForEvent('bad_report', worker, {
        match: (candidate) => pattern.test(candidate.message),
      });
      seen += 1;
      return event;
    };

    await put(file, report({ note: 'half' }).slice(0, 40));
    await nextBad('w', /not valid JSON/);
    let status = await fx.waitForStatus((s) => workerIn(s, 'w').alerts.some((alert) => alert.kind === 'bad_report'));
    expect(workerIn(status, 'w').alerts.find((alert) => alert.kind === 'bad_report')?.message).toMatch(
      /rejected: report is not valid JSON/,
    );

    await put(file, report({ note: 'x'.repeat(70 * 1024) }));
    await nextBad('w', /larger than 65536 bytes/);
    await put(file, report({ state: 'sleeping' }));
    await nextBad('w', /field "state"/);
    await put(
      path.join(reports, 'ghost.jsonl'),
      JSON.stringify({ worker: 'ghost', state: 'done', at: new Date().toISOString(), source: 'cli', seq: 1 }),
    );
    const ghost = await nextBad(undefined, /no worker "ghost"/);
    expect(ghost.worker).toBeUndefined();

    // A valid report naming a binary result file: the state is taken, the file is refused.
    const worktree = fx.fleet.config.workers[0]?.worktree ?? '';
    await writeFile(path.join(worktree, 'result.bin'), Buffer.from([0x23, 0x20, 0x00, 0xff, 0xfe, 0x0a]));
    await put(file, report({ note: 'binary result', resultFile: 'result.bin' }));
    await nextBad('w', /result file result\.bin is not UTF-8 text/);
    status = await fx.waitForStatus((s) => workerIn(s, 'w').note === 'binary result');
    expect(workerIn(status, 'w').resultFile).toBeUndefined();
    expect(workerIn(status, 'w').alerts.find((alert) => alert.kind === 'bad_report')?.message).toMatch(
      /result file was rejected/,
    );

    // The czar still runs: a valid report with a text result is taken, copied, and the alert ends.
    await writeFile(path.join(worktree, 'RESULT.md'), '# Result\n\nparsers done ✓\n');
    await put(file, report({ state: 'working', progress: 80, note: 'all good', resultFile: 'RESULT.md' }));
    status = await fx.waitForStatus(
      (s) =>
        workerIn(s, 'w').note === 'all good' && !workerIn(s, 'w').alerts.some((alert) => alert.kind === 'bad_report'),
      { what: 'the valid report taken' },
    );
    const copy = path.join(fx.fleet.paths.results, 'w.md');
    expect(workerIn(status, 'w')).toMatchObject({ progress: 80, resultFile: copy });
    expect(await readFile(copy, 'utf8')).toBe('# Result\n\nparsers done ✓\n');
    expect((await fx.events()).filter((event) => event.kind === 'bad_report')).toHaveLength(seen);
    expect(status.supervisor?.pid).toBe(process.pid);
  });
});
