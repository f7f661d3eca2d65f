import { execa } from 'execa';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { writeReport, writeReportAfter } from '../../src/adapters/report-files.js';
import { reportFile, reportStream, statePaths } from '../../src/domain/model/paths.js';
import type { WorkerReport } from '../../src/domain/model/report-schema.js';
import { tempDir } from '../helpers/git-repo.js';

const report = (state: WorkerReport['state'], source: string, at: number, seq: number): WorkerReport => ({
  worker: 'alpha',
  state,
  source,
  at: new Date(at).toISOString(),
  seq,
});

describe("a report of a worker's hook written while another report of it is being written", () => {
  test("waits for it, and is judged against what it wrote: a run's end is not undone by its start", async () => {
    const paths = statePaths(await tempDir('czar-report-order-'));
    const at = Date.parse('2026-11-25T12:00:00.000Z');
    // Another `czar report` process (pi runs a run's start and end hooks at once) is between its read and its write.
    const other = execa('sleep', ['60']);
    const lock = path.join(paths.reports, 'alpha.lock');
    await mkdir(paths.reports, { recursive: true });
    await writeFile(lock, JSON.stringify({ pid: other.pid, since: new Date(at).toISOString() }));
    try {
      const start = writeReportAfter(paths, 'alpha', (previous) =>
        previous !== undefined && at < Date.parse(previous.at)
          ? undefined
          : { report: report('working', 'hook:pi-agent-start', at, 1), turnEnd: false },
      );
      // It must not read and write while the other holds the lock: given a second, it is still waiting.
      const waited = await Promise.race([
        start.then(() => 'written'),
        new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_000)),
      ]);
      expect(waited).toBe('waiting');
      // The other process writes the run's end, a later event, and lets go.
      await writeReport(paths, report('idle', 'hook:pi-agent-end', at + 500, 1), { turnEnd: true });
      await rm(lock);
      await start;
    } finally {
      other.kill();
      await other.catch(() => undefined);
    }
    const latest = JSON.parse(await readFile(reportFile(paths, 'alpha'), 'utf8')) as WorkerReport;
    expect(latest).toMatchObject({ state: 'idle', source: 'hook:pi-agent-end' });
    const stream = (await readFile(reportStream(paths, 'alpha'), 'utf8')).trim().split('\n');
    expect(stream.map((line) => (JSON.parse(line) as WorkerReport).source)).toEqual(['hook:pi-agent-end']);
  });
});
