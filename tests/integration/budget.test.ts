import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeProjectDir } from '../../src/agents/transcripts.js';
import { czar } from '../helpers/cli.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';
import { TIMEOUT_SCALE, waitFor } from '../helpers/wait.js';

describe('budgets with a real czar and simulated agents writing Claude-shaped transcripts', () => {
  it('interrupts a turn within 2 s of the transcript line that crossed the budget, keeps the agent and its work, and sends it nothing more until czar resume', async () => {
    const claudeDir = await tempDir('czar-claude-');
    const fx = await fleetFixture({
      workers: [
        {
          name: 'spender',
          // 85% after the first call (an alert), past 100% after the second, in the middle of a long turn. The czar
          // finds a new transcript within a second; a loaded machine gets more time before the second call.
          task: `# Spend\n@sim write src/spent.ts export const spent = 1;\\n\n@sim commit spent\n@sim usage 850000 1000\n@sim work ${Math.ceil(2 * TIMEOUT_SCALE)} thinking\n@sim usage 200000 1000\n@sim work 60 more thinking\n@sim done never reached`,
          env: { CLAUDE_CONFIG_DIR: claudeDir },
        },
        // The control: quiet after its work, so the czar nudges it; the spender, idle as long, must get nothing.
        { name: 'quiet', task: '# Quiet\n@sim usage 1000 10\n@sim quiet', env: { CLAUDE_CONFIG_DIR: claudeDir } },
      ],
      // One nudge and no re-brief: a re-brief runs the control's task again, and its usage with it, before the
      // totals below are read on a slow machine.
      policy: { budget: { worker: { tokens: '1M' } }, escalate_after: '10m' },
    });
    await fx.launchWave();
    await fx.supervise();

    const warned = await fx.waitForEvent('alert', 'spender', {
      match: (event) => /85% of its budget/.test(event.message),
    });
    expect(warned.message).toContain('1.0M tokens');
    const interrupt = await fx.waitForEvent('interrupt', 'spender', { timeoutMs: 20_000 });
    expect(interrupt.message).toContain('Escape');

    // The line that crossed: the spender's second model call, as the sim wrote it in its transcript.
    const dir = claudeProjectDir(
      claudeDir,
      fx.fleet.config.workers.find((worker) => worker.name === 'spender')?.worktree ?? '',
    );
    const [file] = await readdir(dir);
    const lines = (await readFile(path.join(dir, file ?? ''), 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { timestamp: string; message: { usage: { input_tokens: number } } });
    const crossing = lines.find((line) => line.message.usage.input_tokens === 200000);
    expect(crossing).toBeDefined();
    const latency = Date.parse(interrupt.at) - Date.parse(crossing?.timestamp ?? '');
    expect(latency).toBeGreaterThanOrEqual(0);
    // Within 2 s on a quiet machine (the cost bench measures it); longer where CI asks for slack.
    expect(latency).toBeLessThan(2000 * TIMEOUT_SCALE);

    // The sim shows the interruption: the agent took Escape as "stop this turn", it did not exit.
    const paneId = (await fx.fleet.tmux.listPanes()).find((pane) => pane.session === 'spender')?.paneId ?? '';
    await waitFor(async () => /Interrupted by user/.test(await fx.fleet.tmux.capture(paneId)), {
      what: 'the sim to show the interruption',
    });
    await fx.waitForEvent('notify', 'spender', { match: (event) => /over budget/.test(event.message) });

    // Exact totals: each streamed message written twice is counted once.
    const status = await fx.waitForStatus((s) => workerIn(s, 'spender').state === 'over_budget', {
      what: 'spender over_budget',
    });
    const spender = workerIn(status, 'spender');
    expect(spender.usage?.tokens).toBe(850_000 + 1000 + 200_000 + 1000);
    expect(spender.usage?.tasks.map((task) => [task.task, task.tokens])).toEqual([['spender', 1_052_000]]);
    expect(spender.usage?.usd).toBeCloseTo((1_050_000 * 3 + 2000 * 15) / 1_000_000, 6);
    expect(workerIn(status, 'quiet').usage?.tokens).toBe(1010);

    // Not killed, work kept.
    const panes = await fx.fleet.tmux.listPanes();
    expect(panes.find((pane) => pane.session === 'spender')?.dead).toBe(false);
    expect(spender.git.commitsAhead).toBe(1);
    expect(existsSync(path.join(fx.fleet.config.workers[0]?.worktree ?? '', 'src/spent.ts'))).toBe(true);

    // The control is nudged; by then the spender was as quiet for as long, and it got nothing.
    await fx.waitForEvent('nudge', 'quiet', { timeoutMs: 30_000 });
    const after = await fx.status();
    expect(after === undefined ? undefined : workerIn(after, 'spender').state).toBe('over_budget');
    expect(await fx.captures('spender')).toHaveLength(1);
    const sentToSpender = (await fx.events()).filter(
      (event) => event.worker === 'spender' && ['nudge', 'rebrief', 'restart', 'realign', 'bonus'].includes(event.kind),
    );
    expect(sentToSpender).toEqual([]);

    // czar stats reads the same figures back from status.json and the event log.
    const stats = await czar(['stats', '--json'], { cwd: fx.root });
    expect(stats.exitCode).toBe(0);
    const metrics = JSON.parse(stats.stdout) as {
      tokens: number;
      czarActions: number;
      tasks: { task: string; tokens: number; nudges: number }[];
    };
    expect(metrics.tokens).toBe(1_052_000 + 1010);
    expect(metrics.tasks.find((task) => task.task === 'spender')).toMatchObject({ tokens: 1_052_000, nudges: 0 });
    expect(metrics.tasks.find((task) => task.task === 'quiet')?.nudges).toBeGreaterThanOrEqual(1);

    // The person resumes it: a fresh budget from here, and the czar looks after it again (it is quiet: a nudge).
    const resumed = await czar(['resume', 'spender'], { cwd: fx.root });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    await fx.waitForStatus((s) => workerIn(s, 'spender').state !== 'over_budget', {
      what: 'spender back from over_budget after czar resume',
    });
    await fx.waitForEvent('nudge', 'spender', { timeoutMs: 30_000 });
  });
});
