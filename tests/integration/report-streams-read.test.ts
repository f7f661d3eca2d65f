import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { reportStream, statePaths } from '../../src/domain/model/paths.js';
import { ReportStreams } from '../../src/supervisor/sources/report-streams.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function stream(): Promise<{
  streams: ReportStreams;
  append: (fields: Record<string, unknown>) => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'czar-streams-'));
  dirs.push(dir);
  const paths = statePaths(dir);
  await mkdir(paths.reports);
  const append = (fields: Record<string, unknown>) =>
    appendFile(reportStream(paths, 'w1'), `${JSON.stringify({ worker: 'w1', source: 'cli', ...fields })}\n`);
  return { streams: new ReportStreams(paths), append };
}

const notes = (readings: Awaited<ReturnType<ReportStreams['read']>>) =>
  readings.map((reading) =>
    reading.kind === 'valid' ? reading.report.note : reading.kind === 'rejected' ? reading.reason : reading.target,
  );

describe('a report stream read by the czar', () => {
  test('two reports written at the same moment from the same last report are both taken', async () => {
    const { streams, append } = await stream();
    await append({ state: 'working', at: '2026-11-23T10:00:00.000Z', seq: 1, note: 'first' });
    expect(notes(await streams.read('w1'))).toEqual(['first']);
    // Two `czar report` runs racing: each read seq 1 as the last, and the clock gave both the same millisecond.
    await append({ state: 'blocked', at: '2026-11-23T10:00:01.000Z', seq: 2, note: 'racing-a' });
    await append({ state: 'working', at: '2026-11-23T10:00:01.000Z', seq: 2, note: 'racing-b' });
    expect(notes(await streams.read('w1'))).toEqual(['racing-a', 'racing-b']);
  });

  test('the same line sent again (a host watch after a reconnect) is taken once', async () => {
    const { streams, append } = await stream();
    await append({ state: 'working', at: '2026-11-23T09:59:00.000Z', seq: 1, note: 'before' });
    expect(notes(await streams.read('w1'))).toEqual(['before']);
    await append({ state: 'working', at: '2026-11-23T10:00:00.000Z', seq: 2, note: 'once' });
    await append({ state: 'working', at: '2026-11-23T10:00:00.000Z', seq: 2, note: 'once' });
    await append({ state: 'done', at: '2026-11-23T10:00:02.000Z', seq: 3, note: 'then' });
    expect(notes(await streams.read('w1'))).toEqual(['once', 'then']);
  });
});
