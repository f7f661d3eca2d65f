import { describe, expect, it } from 'vitest';
import { mergeReport, type WorkerReport } from '../../src/domain/model/report-schema.js';

const at = '2026-11-22T10:00:00.000Z';
const done: WorkerReport = { worker: 'w', state: 'done', note: 'all in', at, source: 'cli', seq: 4 };
const stop: WorkerReport = { worker: 'w', state: 'idle', at: '2026-11-22T10:00:00.200Z', source: 'hook:Stop', seq: 5 };

describe('mergeReport', () => {
  it('keeps a done standing, with its time and note, when the turn ends after it (Claude Code Stop 0.2 s later)', () => {
    expect(mergeReport(done, stop, { turnEnd: true })).toEqual({ ...done, source: 'hook:Stop', seq: 5 });
  });

  it("lets the worker's own report of another state replace a done", () => {
    const working: WorkerReport = { worker: 'w', state: 'working', at: stop.at, source: 'cli', seq: 5 };
    expect(mergeReport(done, working, { turnEnd: false })).toEqual(working);
  });

  it("lets a new task's prompt hook replace a done", () => {
    const prompt: WorkerReport = {
      worker: 'w',
      state: 'working',
      at: stop.at,
      source: 'hook:UserPromptSubmit',
      seq: 5,
    };
    expect(mergeReport(done, prompt, { turnEnd: false })).toEqual(prompt);
  });

  it('records a turn end as it is when nothing was done before', () => {
    expect(mergeReport(undefined, stop, { turnEnd: true })).toEqual(stop);
    expect(mergeReport({ ...done, state: 'working' }, stop, { turnEnd: true })).toEqual(stop);
  });
});
