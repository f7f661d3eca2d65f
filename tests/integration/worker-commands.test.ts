import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, fleetEvents, uniqueProject, workerEnv, writeFleetConfig } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';

const FLEET =
  'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - { name: alpha, task: "Work.\\n@sim work 600 long" }\n  - { name: beta, task: "Work.\\n@sim work 600 long" }\n';

/** Two sim workers on long turns, up and supervised. */
async function upFleet(): Promise<{ root: string; project: string }> {
  const { root } = await tempRepo();
  const project = uniqueProject();
  await writeFleetConfig(root, project, FLEET);
  expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
  return { root, project };
}

describe("a person's commands from a worker's environment", () => {
  test('send, comment, restart, bonus, pause, up and down --purge --force refuse with one sentence; the fleet and its work stay', async () => {
    const { root, project } = await upFleet();
    const inAlpha = { CZAR_WORKER: 'alpha', CZAR_STATE_DIR: path.join(root, '.czar') };

    for (const args of [
      ['send', 'beta', 'touch', 'pwned'],
      ['comment', 'beta', 'src/a.ts:1', 'touch', 'pwned'],
      ['restart', 'beta'],
      ['bonus', 'beta'],
      ['pause'],
      ['up'],
      ['down', '--purge', '--force'],
    ]) {
      const result = await czar(args, { cwd: root, env: inAlpha });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(
        `czar: "czar ${args[0]}" acts as the person, and a worker cannot act as the person, so it was refused.`,
      );
    }
    const tmux = new Tmux(`czar-${project}`);
    expect((await tmux.listPanes()).map((pane) => pane.session).sort()).toEqual(['alpha', 'beta', 'czar']);
    expect(existsSync(path.join(root, 'repo-workers', 'beta'))).toBe(true);

    // From outside the panes a comment is taken for the worker's next pause; a worker not in the config is refused.
    const comment = await czar(['comment', 'beta', 'src/a.ts:1', 'looks', 'off'], { cwd: root });
    expect(comment.exitCode, comment.stderr).toBe(0);
    expect(comment.stdout.trim()).toBe(
      'took the comment for beta: it is delivered with any others once its current turn ends',
    );
    const unknown = await czar(['comment', 'gamma', 'hi'], { cwd: root });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(
      /^czar: There is no worker "gamma" in .*czar\.yaml; the workers are: alpha, beta\.$/,
    );

    // What a worker uses is not refused: it reads the fleet.
    const peers = await czar(['peers'], { cwd: root, env: inAlpha });
    expect(peers.exitCode, peers.stderr).toBe(0);
    expect(peers.stdout).toContain('beta');
    expect((await czar(['status'], { cwd: root, env: inAlpha })).exitCode).toBe(0);
  });
});

describe("a person's commands from inside the fleet, whatever the environment says", () => {
  test("a worker's pane cannot message, pause, comment on or restart its sibling with CZAR_WORKER and TMUX unset, from /tmp, from an orphaned child or with tmux's socket folder moved; a person's shell outside still can", async () => {
    const { root } = await tempRepo();
    const out = await tempDir('czar-guard-');
    const project = uniqueProject();
    const config = path.join(root, 'czar.yaml');
    const bare = 'env -u CZAR_WORKER -u TMUX -u CZAR_CONFIG czar';
    const into = (name: string): string => `> ${out}/${name}.txt 2>&1; echo "exit $?" >> ${out}/${name}.txt`;
    const runs = [
      `@sim run ${bare} send -c ${config} beta pwned-by-alpha ${into('send')}`,
      `@sim run cd /tmp && ${bare} pause -c ${config} beta ${into('pause')}`,
      // A child its shell left behind: no parent in the pane and no worker folder, only the pane's session.
      `@sim run cd /tmp && ( { ${bare} comment -c ${config} beta pwned-orphan ${into('comment')}; } & )`,
      // tmux asked with another socket folder finds no server: the czar's own parent still names its panes.
      `@sim run cd /tmp && TMUX_TMPDIR=${out} ${bare} restart -c ${config} beta ${into('restart')}`,
      `@sim run ${bare} status -c ${config} ${into('status')}`,
    ];
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - ${JSON.stringify({ name: 'alpha', task: ['Work.', ...runs, '@sim work 600 long'].join('\n') })}\n  - { name: beta, task: "Work.\\n@sim work 600 long" }\n`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);

    const said = async (name: string): Promise<string> =>
      waitFor(
        async () => {
          const text = await readFile(path.join(out, `${name}.txt`), 'utf8').catch(() => '');
          return text.includes('exit ') ? text : undefined;
        },
        { timeoutMs: 30_000, what: `alpha's ${name} to end` },
      );
    for (const name of ['send', 'pause', 'comment', 'restart'])
      expect(await said(name)).toBe(
        `czar: "czar ${name}" acts as the person, and a worker cannot act as the person, so it was refused.\nexit 2\n`,
      );
    // What a worker reads is not refused.
    expect(await said('status')).toMatch(/exit 0\n$/);

    const person = await czar(['send', 'beta', 'hello-from-the-person'], { cwd: root });
    expect(person.exitCode, person.stderr).toBe(0);
    const sends = await waitFor(
      async () => {
        const found = (await fleetEvents(root)).filter((event) => event.kind === 'send');
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000, what: "the person's message" },
    );
    expect(sends.map((event) => event.worker)).toEqual(['beta']);
    const status = JSON.parse((await czar(['status', '--json'], { cwd: root })).stdout) as {
      workers: { name: string; paused: boolean; comments?: unknown[] }[];
    };
    const beta = status.workers.find((worker) => worker.name === 'beta');
    expect(beta?.paused).toBe(false);
    expect(beta?.comments).toBeUndefined();
    const tmux = new Tmux(`czar-${project}`);
    expect(await tmux.capture((await tmux.paneIdOf('beta')) ?? '', { history: 500 })).not.toContain('pwned');
  });
});

describe('a report is bound to its worker', () => {
  test("alpha reporting as beta (its name, another's proof or another's worktree) is refused, logged and alerted; beta's own report is taken", async () => {
    const { root, project } = await upFleet();
    const stateDir = path.join(root, '.czar');
    const alpha = await workerEnv(project, stateDir, 'alpha');
    const beta = await workerEnv(project, stateDir, 'beta');
    const alphaTree = path.join(root, 'repo-workers', 'alpha');
    const betaTree = path.join(root, 'repo-workers', 'beta');
    expect(alpha.CZAR_WORKER_PROOF).toMatch(/^[0-9a-f]{64}$/);
    expect(beta.CZAR_WORKER_PROOF).not.toBe(alpha.CZAR_WORKER_PROOF);
    // The proof is in the agent's environment only: no file czar keeps holds it.
    const stateFiles = await readFile(path.join(stateDir, 'workers', 'beta.json'), 'utf8');
    expect(stateFiles).not.toContain(beta.CZAR_WORKER_PROOF);

    const asBeta = await czar(['report', '--state', 'done', '--note', 'hijacked'], {
      cwd: alphaTree,
      env: { ...alpha, CZAR_WORKER: 'beta' },
    });
    expect(asBeta.exitCode).toBe(2);
    expect(asBeta.stderr).toBe(
      `czar: CZAR_WORKER_PROOF is not the proof czar gave worker "beta", so this report as "beta" was refused and the czar told; "czar report" speaks only for the worker whose agent runs it, in its own tmux session.`,
    );
    const outside = await czar(['report', '--state', 'done'], { cwd: alphaTree, env: beta });
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toMatch(
      /^czar: this report as "beta" runs in .*alpha, outside beta's worktree .*beta, so it was refused and the czar told; run "czar report" from the worker's own worktree\.$/,
    );
    // A hook with a bad proof never fails the agent's turn: refused without a word to it.
    const hook = await czar(['report', '--hook', 'Stop', '{}'], {
      cwd: betaTree,
      env: { ...beta, CZAR_WORKER_PROOF: 'x' },
    });
    expect(hook.exitCode).toBe(0);

    const events = path.join(stateDir, 'events.jsonl');
    const refusals = await waitFor(
      async () => {
        const bad = (await readFile(events, 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { kind: string; worker?: string; message: string })
          .filter((event) => event.kind === 'bad_report');
        return bad.length >= 3 ? bad : undefined;
      },
      { timeoutMs: 20_000, what: 'three refusals logged' },
    );
    // Each refusal is put on whoever proved to run it: alpha, which named beta; beta's own proof, outside its
    // worktree; and nobody's proof, which no worker is blamed for.
    expect(refusals.map((event) => event.worker).sort()).toEqual(['alpha', 'beta', undefined]);
    expect(refusals.find((event) => event.worker === 'alpha')?.message).toMatch(/as worker "beta"/);
    const status = JSON.parse(await readFile(path.join(stateDir, 'status.json'), 'utf8')) as {
      workers: { name: string; state: string; alerts: { kind: string }[] }[];
    };
    const betaStatus = status.workers.find((worker) => worker.name === 'beta');
    expect(betaStatus?.state).not.toBe('done');
    expect(betaStatus?.alerts.map((alert) => alert.kind)).toContain('bad_report');
    const alphaStatus = status.workers.find((worker) => worker.name === 'alpha');
    expect(alphaStatus?.alerts.map((alert) => alert.kind)).toContain('bad_report');

    const own = await czar(['report', '--state', 'blocked', '--note', 'need a key'], {
      cwd: path.join(betaTree),
      env: beta,
    });
    expect(own.exitCode, own.stderr).toBe(0);
    await waitFor(async () => (await readFile(events, 'utf8')).includes('reported blocked: need a key'), {
      timeoutMs: 20_000,
      what: "beta's own report",
    });
  });
});

describe('a restarted agent', () => {
  test('gets a new proof; what the agent before it still reports is dropped as stale, with no alert', async () => {
    const { root, project } = await upFleet();
    const stateDir = path.join(root, '.czar');
    const betaTree = path.join(root, 'repo-workers', 'beta');
    const before = await workerEnv(project, stateDir, 'beta');
    expect((await czar(['restart', 'beta'], { cwd: root })).exitCode).toBe(0);
    const after = await waitFor(
      async () => {
        const env = await workerEnv(project, stateDir, 'beta');
        return env.CZAR_WORKER_PROOF !== before.CZAR_WORKER_PROOF ? env : undefined;
      },
      { timeoutMs: 20_000, what: "beta's new proof" },
    );

    // The old agent's session-end hook, as it exits.
    expect((await czar(['report', '--hook', 'SessionEnd', '{}'], { cwd: betaTree, env: before })).exitCode).toBe(0);
    const stale = await czar(['report', '--state', 'done'], { cwd: betaTree, env: before });
    expect(stale.exitCode).toBe(2);
    expect(stale.stderr).toBe(
      'czar: CZAR_WORKER_PROOF belongs to an agent of worker "beta" that czar has since started again, so this report was dropped; the running agent reports for it.',
    );
    expect(
      (await czar(['report', '--state', 'blocked', '--note', 'new agent'], { cwd: betaTree, env: after })).exitCode,
    ).toBe(0);
    const events = path.join(stateDir, 'events.jsonl');
    await waitFor(async () => (await readFile(events, 'utf8')).includes('reported blocked: new agent'), {
      timeoutMs: 20_000,
      what: "the new agent's report",
    });
    expect(await readFile(events, 'utf8')).not.toContain('"bad_report"');

    // Each restart says how the agent started: the simulated agent cannot resume; --fresh never does.
    const fresh = await czar(['restart', '--fresh', 'alpha'], { cwd: root });
    expect(fresh.stdout.trim(), fresh.stderr).toBe(
      'restarted alpha afresh and sent its task again (the person asked for a fresh start)',
    );
    const starts = async (): Promise<string[]> =>
      (await readFile(events, 'utf8'))
        .split('\n')
        .filter((line) => line.includes('"restart_start"'))
        .map(
          (line) =>
            `${(JSON.parse(line) as { worker: string }).worker}: ${(JSON.parse(line) as { message: string }).message}`,
        );
    await waitFor(async () => (await starts()).length === 2, { timeoutMs: 20_000, what: 'two restart_start events' });
    expect(await starts()).toEqual([
      'beta: starting afresh: the sim agent cannot resume a conversation',
      'alpha: starting afresh: the person asked for a fresh start',
    ]);
  });
});

describe("an agent's hook that arrives late", () => {
  test("a turn start whose event came before the worker's done report does not undo it; its turn end keeps it done", async () => {
    const { root, project } = await upFleet();
    const stateDir = path.join(root, '.czar');
    const alphaTree = path.join(root, 'repo-workers', 'alpha');
    const alpha = await workerEnv(project, stateDir, 'alpha');
    // pi's extension runs its hooks without waiting for them: the run's start hook may land after the done report
    // the agent's own tool wrote during that run.
    const started = Date.now();
    const done = await czar(['report', '--state', 'done', '--note', 'all in'], { cwd: alphaTree, env: alpha });
    expect(done.exitCode, done.stderr).toBe(0);
    const late = { session_id: 's1', event_at: started };
    expect(
      (await czar(['report', '--hook', 'pi-agent-start', JSON.stringify(late)], { cwd: alphaTree, env: alpha }))
        .exitCode,
    ).toBe(0);
    const end = { session_id: 's1', stop_reason: 'stop', event_at: Date.now() };
    expect(
      (await czar(['report', '--hook', 'pi-agent-end', JSON.stringify(end)], { cwd: alphaTree, env: alpha })).exitCode,
    ).toBe(0);
    const report = JSON.parse(await readFile(path.join(stateDir, 'reports', 'alpha.json'), 'utf8')) as {
      state: string;
      note?: string;
    };
    expect(report).toMatchObject({ state: 'done', note: 'all in' });
  });
});
