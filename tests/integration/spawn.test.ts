import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { czar, workerEnv } from '../helpers/cli.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn, isAncestor, tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';
import { recordDir } from '../helpers/learning.js';

// `\\n` in a spawn line is a new line of the child's task (the sim unescapes it), so the parent's own lines stay its own.
const KID1 = '# Kid one\\n@sim write kid1.txt one\\n@sim commit kid1: add kid1\\n@sim done kid1 finished';
const KID2 = '# Kid two\\n@sim work 600 slowly';
// Each parent plans first: a spawn needs the czar, which this fixture starts after the launch (czar up waits for it).
const PARENT = [
  '# Parent',
  '@sim work 3 planning',
  `@sim spawn kid1 ${KID1}`,
  `@sim spawn kid2 ${KID2}`,
  '@sim spawn kid3 # Kid three',
  '@sim write p.txt parent',
  '@sim commit p: add p',
  '@sim done parent finished',
].join('\n');

describe('czar spawn: sub-workers of a simulated parent', () => {
  it('a parent spawns two children (a third over max_children is refused), merges the verified one, the other is cancelled, and the parent alone is integrated', async () => {
    const fx = await fleetFixture({
      checks: [{ name: 'readme', run: 'test -f README.md' }],
      policy: { spawn: { max_children: 2, max_depth: 1 } },
      workers: [{ name: 'p', task: PARENT }],
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    // A lesson of this repository for tasks of any kind, which a child's brief carries as a configured worker's does.
    const record = await recordDir();
    const lesson = {
      v: 1,
      id: 'L0badc0de',
      at: new Date().toISOString(),
      repo: (await gitIn(fx.repo, ['rev-list', '--max-parents=0', 'HEAD'])).trim(),
      kind: 'any',
      areas: [],
      source: 'check',
      text: 'check "readme" failed: README.md was missing',
      files: [],
    };
    await writeFile(path.join(record, 'lessons.jsonl'), `${JSON.stringify(lesson)}\n`);
    await fx.launchWave();
    await fx.supervise();

    // Both children run as workers of their own, each on a branch cut from the parent's.
    const spawned = await fx.waitForStatus(
      (status) => ['kid1', 'kid2'].every((name) => status.workers.some((worker) => worker.name === name)),
      { timeoutMs: 60_000, what: 'two children' },
    );
    expect(workerIn(spawned, 'kid1').parent).toBe('p');
    expect(spawned.workers.some((worker) => worker.name === 'kid3')).toBe(false);
    const kid1Prompt = await waitFor(async () => (await fx.captures('kid1'))[0], {
      timeoutMs: 30_000,
      what: 'kid1 task',
    });
    expect(kid1Prompt).toContain('You are a sub-worker spawned by worker p');
    expect(kid1Prompt).toContain('## Lessons from earlier tasks in this repository');
    expect(kid1Prompt).toContain('README.md was missing');

    // The parent is done before its children are in: an alert names them, and it is not integrated.
    await fx.waitForEvent('alert', 'p', {
      match: (event) => event.message.startsWith('children_open'),
      timeoutMs: 60_000,
    });

    // A person cancels kid2 (from outside the fleet's panes).
    await fx.waitForStatus((status) => workerIn(status, 'kid2').state === 'working', { timeoutMs: 30_000 });
    const cancel = await czar(['spawn', '--cancel', 'kid2', '-c', fx.configFile], { cwd: fx.root });
    expect(cancel.stdout).toContain('cancelled kid2');

    // kid1 verified -> p told to merge it -> p merges and is done -> p verified and integrated, kid1 never on its own.
    const told = await waitFor(
      async () => (await fx.captures('p')).find((text) => text.includes('git merge czar/kid1')),
      { timeoutMs: 60_000, what: "p's merge message" },
    );
    expect(told).toContain('Your sub-worker kid1 has finished');
    await fx.waitForEvent('integrated', 'p', { timeoutMs: 90_000 });
    const kid1Tip = await gitIn(fx.repo, ['rev-parse', 'czar/kid1']);
    expect(await isAncestor(fx.repo, kid1Tip, 'czar/p')).toBe(true);
    expect(await isAncestor(fx.repo, kid1Tip, 'czar/integration')).toBe(true);
    const events = await fx.events();
    expect(events.filter((event) => event.kind === 'integrated').map((event) => event.worker)).toEqual(['p']);
    const final = await fx.waitForStatus((status) => workerIn(status, 'p').alerts.length === 0, { timeoutMs: 30_000 });
    expect(workerIn(final, 'p').children).toEqual([
      { name: 'kid1', owed: false },
      { name: 'kid2', owed: false },
    ]);
    expect(workerIn(final, 'kid2').state).toBe('stopped');
    expect(await fx.fleet.tmux.sessionExists('kid2')).toBe(false);
  });

  it("refuses a spawn claimed for another worker: q's own proof does not speak for p", async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'p', task: '# Parent\n@sim work 600 waiting' },
        { name: 'q', task: '# Other\n@sim work 600 waiting' },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    const project = path.basename(fx.fleet.config.tmuxSocket).replace(/^czar-/, '');
    const qEnv = await workerEnv(project, fx.fleet.paths.root, 'q');
    expect(qEnv.CZAR_WORKER_PROOF).not.toBe('');
    const claimed = await czar(['spawn', 'kid', '--task', '# Kid'], {
      cwd: path.join(fx.root, 'workers', 'p'),
      env: { ...qEnv, CZAR_WORKER: 'p' },
    });
    expect(claimed.exitCode).toBe(2);
    expect(claimed.stderr).toContain('is not the proof czar gave worker "p"');
    const status = await fx.status();
    expect(status?.workers.map((worker) => worker.name)).toEqual(['p', 'q']);
  });

  it("counts and reviews a child on its own commits, not the parent's it was cut with", async () => {
    const kid = '# Kid\\n@sim write k.txt kid\\n@sim commit kid: add k\\n@sim done kid finished';
    const fx = await fleetFixture({
      review: { agent: 'sim' },
      workers: [
        {
          name: 'p',
          task: `# Parent\n@sim write p.txt parent\n@sim commit p: add p\n@sim work 3 planning\n@sim spawn kid ${kid}\n@sim work 600 waiting`,
        },
      ],
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();
    const seen = await fx.waitForStatus((status) => workerIn(status, 'kid')?.git.lastCommit?.subject === 'kid: add k', {
      timeoutMs: 60_000,
      what: "the kid's commit seen",
    });
    // Its branch holds the parent's commit too: that one is not the child's work.
    expect(workerIn(seen, 'kid').git.commitsAhead).toBe(1);
    expect(workerIn(seen, 'kid').git.filesChanged).toEqual(['k.txt']);
    const approved = await fx.waitForEvent('review_approved', 'kid', { timeoutMs: 60_000 });
    const prompt = await readFile(
      path.join(fx.fleet.paths.root, 'reviews', 'kid', `${String(approved.data?.sha)}.prompt.md`),
      'utf8',
    );
    expect(prompt).toContain('k.txt');
    expect(prompt).not.toContain('p.txt');
  });

  it("a child's spend counts against its parent's budget: the family over it is stopped, child and parent alike", async () => {
    const claudeDir = await tempDir('czar-claude-');
    // The child spends 1.05M tokens of the parent's 1M; the parent itself spends almost nothing.
    const kid = '# Kid\\n@sim usage 850000 1000\\n@sim work 2 thinking\\n@sim usage 200000 1000\\n@sim work 60 more';
    const fx = await fleetFixture({
      workers: [
        {
          name: 'p',
          task: `# Parent\n@sim usage 1000 10\n@sim work 3 planning\n@sim spawn kid ${kid}\n@sim work 600 waiting`,
          env: { CLAUDE_CONFIG_DIR: claudeDir },
        },
      ],
      policy: { budget: { worker: { tokens: '1M' } } },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForEvent('interrupt', 'kid', { timeoutMs: 60_000 });
    await fx.waitForEvent('notify', 'kid', { match: (event) => /over budget/.test(event.message) });
    const stopped = await fx.waitForStatus(
      (status) => ['p', 'kid'].every((name) => workerIn(status, name).state === 'over_budget'),
      { timeoutMs: 30_000, what: 'parent and child over budget' },
    );
    expect(workerIn(stopped, 'kid').parent).toBe('p');
  });
});
