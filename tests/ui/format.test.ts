import { describe, expect, it } from 'vitest';
import { WORKER_STATES } from '../../src/domain/model/words.js';
import type { WorkerStatus } from '../../src/domain/status/status-schema.js';
import {
  alertTags,
  costCell,
  fleetCostText,
  usageLine,
  fit,
  formatDuration,
  layoutColumns,
  MARKER_WIDTH,
  rowCells,
  since,
  stateText,
  truncate,
} from '../../src/ui/format.js';
import { planScreen, windowStart } from '../../src/ui/screen-plan.js';
import { FIXTURE_NOW, fixtureWorkers } from '../fixtures/fleet-status.js';

describe('formatDuration', () => {
  it.each([
    [0, 'now'],
    [4_999, 'now'],
    [42_000, '40s'],
    [185_000, '3m'],
    [12 * 60_000 + 30_000, '12m'],
    [83 * 60_000, '1h23m'],
    [13 * 3_600_000 + 60_000, '13h'],
    [51 * 3_600_000, '2d03h'],
    [12 * 86_400_000, '12d'],
    [-5_000, 'now'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('never needs more than 5 columns', () => {
    for (let ms = 0; ms < 200 * 86_400_000; ms = ms * 1.07 + 997)
      expect(formatDuration(ms).length).toBeLessThanOrEqual(5);
  });
});

describe('since', () => {
  it('measures from an ISO time and shows - for none or garbage', () => {
    expect(since(new Date(FIXTURE_NOW - 95_000).toISOString(), FIXTURE_NOW)).toBe('1m');
    expect(since(undefined, FIXTURE_NOW)).toBe('-');
    expect(since('not a date', FIXTURE_NOW)).toBe('-');
  });

  it('past a minute, moves on the minutes of the wall clock, never back, so all such times move in one frame', () => {
    // FIXTURE_NOW is a whole minute; two workers quiet since 10 s apart.
    const first = new Date(FIXTURE_NOW - 70_000).toISOString();
    const second = new Date(FIXTURE_NOW - 60_000).toISOString();
    const shown = (seconds: number): string[] => [first, second].map((at) => since(at, FIXTURE_NOW + seconds * 1000));
    expect(shown(0)).toEqual(['1m', '1m']);
    expect(shown(49)).toEqual(['1m', '1m']);
    expect(shown(59)).toEqual(['1m', '1m']);
    expect(shown(60)).toEqual(['2m', '2m']);
    expect(since(new Date(FIXTURE_NOW - 55_000).toISOString(), FIXTURE_NOW + 7_000)).toBe('1m');
  });
});

describe('truncate and fit', () => {
  it('cuts with an ellipsis and keeps short text', () => {
    expect(truncate('Rate-limit the gateway', 10)).toBe('Rate-limi…');
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });
  it('never lets a newline through (rows truncate, never wrap)', () => {
    expect(truncate('one\ntwo', 20)).toBe('one two');
  });
  it('pads to the exact width on either side', () => {
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 4, 'right')).toBe('  ab');
    expect(fit('abcdef', 4)).toBe('abc…');
  });
});

describe('state text and alert tags', () => {
  it('gives every state a distinct symbol with its name', () => {
    const texts = WORKER_STATES.map(stateText);
    expect(texts).toContain('● working');
    expect(texts).toContain('! stuck');
    expect(texts).toContain('✔ verified');
    expect(new Set(texts.map((text) => text.split(' ')[0])).size).toBe(WORKER_STATES.length);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(10);
  });
  it('shows each alert kind once', () => {
    const webhooks = fixtureWorkers.find((worker) => worker.name === 'webhooks');
    expect(alertTags(webhooks?.alerts ?? [])).toBe('stuck off-scope overlap');
    const since = '2025-01-01T10:00:00.000Z';
    expect(
      alertTags([
        { kind: 'conflict', message: 'm', since, peer: 'b' },
        { kind: 'conflict', message: 'm', since, peer: 'main' },
        { kind: 'checks_failed', message: 'm', since },
      ]),
    ).toBe('conflict checks-failed');
  });
});

describe('layoutColumns', () => {
  const total = (width: number) => {
    const columns = layoutColumns(width, fixtureWorkers);
    return MARKER_WIDTH + columns.reduce((sum, column) => sum + column.width, 0) + columns.length - 1;
  };

  it('fills the width exactly from 60 to 200 columns', () => {
    for (let width = 60; width <= 200; width += 1) expect(total(width)).toBe(width);
  });

  it('drops branch and files first at 80 columns but keeps name, state, task and alerts', () => {
    const ids = layoutColumns(80, fixtureWorkers).map((column) => column.id);
    expect(ids).not.toContain('branch');
    expect(ids).not.toContain('files');
    expect(ids).toEqual(expect.arrayContaining(['name', 'state', 'title', 'alerts', 'quiet']));
  });

  it('shows every column at 160', () => {
    expect(layoutColumns(160, fixtureWorkers)).toHaveLength(11);
  });
});

describe('rowCells', () => {
  it('spells out progress, commits ahead, files and paused', () => {
    const i18n = fixtureWorkers.find((worker) => worker.name === 'i18n');
    if (i18n === undefined) throw new Error('fixture lost i18n');
    const cells = rowCells(i18n, FIXTURE_NOW);
    expect(cells).toMatchObject({ state: '■ blocked', progress: '10%', ahead: '+0', files: '0', quiet: '12m' });
    expect(cells.title).toMatch(/^\(paused\) /);
  });
});

describe('windowStart', () => {
  it('keeps the selection in view and scrolls as little as possible', () => {
    expect(windowStart(5, 4, 10)).toBe(0);
    expect(windowStart(20, 0, 5)).toBe(0);
    expect(windowStart(20, 7, 5, 0)).toBe(3);
    expect(windowStart(20, 5, 5, 3)).toBe(3);
    expect(windowStart(20, 2, 5, 3)).toBe(2);
    expect(windowStart(20, 19, 5, 0)).toBe(15);
  });
});

describe('planScreen', () => {
  it('stacks detail and feed at 80x24 and never uses more than rows - 1 lines', () => {
    const plan = planScreen(80, 24, 8);
    expect(plan.sideBySide).toBe(false);
    expect(plan.height).toBe(23);
    expect(2 + 1 + plan.tableRows + plan.detailRows + plan.feedRows + 2).toBe(23);
    expect(plan.feedRows).toBeGreaterThanOrEqual(3);
  });

  it('caps the table so detail and feed keep room when there are many workers', () => {
    const plan = planScreen(80, 24, 40);
    expect(plan.tableRows).toBeLessThan(40);
    expect(plan.detailRows + plan.feedRows).toBeGreaterThanOrEqual(8);
  });

  it('puts detail and feed side by side on wide terminals', () => {
    const plan = planScreen(160, 48, 8);
    expect(plan.sideBySide).toBe(true);
    expect(plan.detailWidth + 1 + plan.feedWidth).toBe(160);
  });
});

describe('cost', () => {
  const usage = (over: Partial<NonNullable<WorkerStatus['usage']>> = {}): NonNullable<WorkerStatus['usage']> => ({
    tokens: 1_052_000,
    input: 1_050_000,
    output: 2000,
    cacheWrite: 0,
    cacheRead: 0,
    usd: 3.18,
    unpricedModels: [],
    models: ['claude-sonnet-4-5'],
    tasks: [
      { task: 'a', tokens: 1_000_000, usd: 3, unpricedModels: [] },
      { task: 'bonus-1', tokens: 52_000, usd: 0.18, unpricedModels: [] },
    ],
    files: 2,
    skippedLines: 0,
    ...over,
  });

  it('shows dollars, tokens when no model has a price, and ? when the agent keeps no records', () => {
    expect(costCell(usage())).toBe('$3.18');
    expect(costCell(usage({ usd: 0, unpricedModels: ['fake-model'] }))).toBe('1.1Mt');
    expect(costCell(usage({ usd: 0.0042 }))).toBe('$0.0042');
    expect(costCell(undefined)).toBe('?');
  });

  it("spells out the selected worker's usage with its cost per task", () => {
    expect(usageLine(usage({ skippedLines: 2 }))).toBe(
      'usage: 1.1M tokens (in 1.1M, out 2.0k, cache 0 read, 0 written) · $3.18 · a $3.00, bonus-1 $0.18 · 2 bad record line(s) skipped',
    );
    expect(usageLine(undefined)).toContain('unknown');
  });

  it('totals the fleet with its burn rate, and says when some usage is unknown', () => {
    const fleet = {
      tokens: 10,
      usd: 12.5,
      unpricedModels: [],
      usdPerHour: 6.25,
      unknownWorkers: ['sh'],
      budget: { worker: {}, fleet: {} },
    };
    expect(fleetCostText(fleet)).toBe('cost $12.50+? · $6.25/h');
    expect(fleetCostText(undefined)).toBeUndefined();
  });
});
