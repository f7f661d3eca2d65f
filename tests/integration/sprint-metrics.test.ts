import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { type SprintMetrics, FleetStatusSchema } from '../../src/domain/status/status-schema.js';
import { czar } from '../helpers/cli.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';

describe('sprint metrics from a real sprint of simulated agents', () => {
  it('carries per-task and per-sprint metrics in status.json and HANDOFF.md, with the same autonomy figure as czar stats', async () => {
    const claudeDir = await tempDir('czar-claude-');
    const env = { CLAUDE_CONFIG_DIR: claudeDir };
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          env,
          task: '# Step a\n@sim usage 1000 100\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in',
        },
        {
          name: 'b',
          env,
          task: '# Step b\n@sim usage 2000 200\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in',
        },
      ],
      bonus: [
        {
          name: 'extra',
          task: '# Extra\n@sim usage 500 50\n@sim write src/extra.ts export const extra = 3;\\n\n@sim commit extra: add extra\n@sim done extra in',
        },
      ],
    });
    // czar's merge commits need an identity; a person's repo has one, a temp repo gets it here.
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();

    const status = await fx.waitForStatus(
      (s) => s.sprintOver && s.metrics?.tasksDone === 3 && s.handoff !== undefined,
      { timeoutMs: 60_000, what: 'the sprint over with three tasks done and the handoff written' },
    );
    expect(FleetStatusSchema.safeParse(status).error).toBeUndefined();
    const metrics = status.metrics;
    // Each task's tokens are its own model calls, the bonus task's apart from its worker's first task.
    expect(Object.fromEntries(metrics?.tasks.map((task) => [task.task, task.tokens]) ?? [])).toEqual({
      a: 1100,
      b: 2200,
      extra: 550,
    });
    for (const task of metrics?.tasks ?? []) {
      expect(task.toDoneMs, `${task.task} time to done`).toBeGreaterThan(0);
      expect(task.usd, `${task.task} cost`).toBeGreaterThan(0);
    }
    expect(metrics?.usd).toBeCloseTo(status.usage?.usd ?? -1, 9);
    expect(metrics?.usdPerDoneTask).toBeCloseTo((status.usage?.usd ?? 0) / 3, 9);
    expect(metrics?.personActions).toBe(0);
    expect(metrics?.czarActions).toBeGreaterThanOrEqual(3);

    const handoff = await readFile(fx.fleet.paths.handoff, 'utf8');
    expect(handoff).toContain('## Metrics');
    expect(handoff).toMatch(/3 task\(s\) done, [\d.]+\/h/);
    expect(handoff).toMatch(/^\| extra \| (a|b) \| \d+ s \| - \| 0 \| 0 \| 0 \| 550 \| \$0\.\d+ \|$/m);

    // czar stats computes from the same log with the same code: its autonomy figure is the handoff's.
    const stats = await czar(['stats', '--json'], { cwd: fx.root });
    expect(stats.exitCode).toBe(0);
    const fromStats = JSON.parse(stats.stdout) as SprintMetrics;
    const czarActions = status.handoff?.metrics.czarActions;
    expect(fromStats.czarActions).toBe(czarActions);
    expect(fromStats.personActions).toBe(0);
    expect(handoff).toContain(
      `The czar acted ${czarActions} time(s) on its own; you acted 0 time(s): 100% autonomous.`,
    );
    expect(fromStats.tasks.map((task) => [task.task, task.toDoneMs])).toEqual(
      status.handoff?.metrics.tasks.map((task) => [task.task, task.toDoneMs]),
    );
  });

  it('keeps the metrics when the event log is emptied under the czar: they come from its model, not the file', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          task: '# Step a\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    const before = await fx.waitForStatus((s) => s.metrics?.tasksDone === 1, {
      timeoutMs: 60_000,
      what: 'task a done in the metrics',
    });
    // Rotated or emptied by hand: what the czar already saw stays seen.
    await writeFile(fx.fleet.paths.events, '');
    const pause = await czar(['pause', 'a'], { cwd: fx.root });
    expect(pause.exitCode, pause.stderr).toBe(0);
    const after = await fx.waitForStatus((s) => s.metrics?.personActions === 1, {
      what: "the person's pause counted in the metrics",
    });
    expect(after.metrics?.tasksDone).toBe(1);
    expect(after.metrics?.tasks.map((task) => [task.task, task.toDoneMs])).toEqual(
      before.metrics?.tasks.map((task) => [task.task, task.toDoneMs]),
    );
    // The czar may act meanwhile (its own actions count on); none it took before is forgotten.
    expect(after.metrics?.czarActions).toBeGreaterThanOrEqual(before.metrics?.czarActions ?? Infinity);
  });
});
