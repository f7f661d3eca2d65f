import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gitIn } from '../helpers/git-repo.js';
import { czar, workerEnv } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

const STEPPER = [
  '# Build the parser in four steps',
  '- [ ] Lexer',
  '- [ ] Parser',
  '- [ ] Printer',
  '- [ ] Docs',
  '@sim write lexer.txt lexer',
  '@sim commit the lexer',
  '@sim checkpoint 1',
  '@sim write parser.txt parser',
  '@sim commit the parser',
  '@sim checkpoint parser',
  '@sim work 1 the printer',
  '@sim crash 3',
].join('\n');

const SLOW = [
  '# Two steps, the second slow',
  '- [ ] Sketch the API',
  '- [ ] Write the docs',
  '@sim write api.txt api',
  '@sim commit the api',
  '@sim checkpoint 1',
  '@sim work 20 the docs',
].join('\n');

describe('checkpoints inside a task (sim fleet, real tmux)', () => {
  it('records each checkpoint with its commit, nudges towards the next one, and a restart after 2 of 4 goes on from 3', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'stepper', task: STEPPER },
        { name: 'slow', task: SLOW },
      ],
      // Long enough for the first steps on a loaded machine, short against the slow worker's 20 s of work.
      policy: { checkpoint_after: '8s', restart: { max: 1, backoff: '1s' } },
    });
    await fx.launchWave();
    await fx.supervise();

    // The first paste lists the checkpoints and says how to report each.
    const first = await waitFor(async () => (await fx.captures('stepper'))[0], { what: "stepper's first prompt" });
    expect(first).toContain('This task has 4 checkpoints');
    expect(first).toContain('czar report --task stepper --checkpoint <number>');
    expect(first).toContain('1. [ ] Lexer');

    // Checkpoint 2 was named by its text; each one carries the commit HEAD was on.
    const two = await fx.waitForStatus((s) => workerIn(s, 'stepper').checkpoints?.done === 2, {
      what: 'stepper at 2 of 4',
    });
    const worktree = path.join(fx.root, 'workers', 'stepper');
    const [lexer, parser] = await Promise.all(
      ['HEAD~1', 'HEAD'].map(async (ref) => (await gitIn(worktree, ['rev-parse', ref])).trim()),
    );
    const stepper = workerIn(two, 'stepper');
    expect(stepper.checkpoints).toMatchObject({
      done: 2,
      total: 4,
      next: { number: 3, text: 'Printer' },
      items: [
        { text: 'Lexer', commit: lexer },
        { text: 'Parser', commit: parser },
        { text: 'Printer' },
        { text: 'Docs' },
      ],
    });
    expect(stepper.progress).toBe(50);

    // The crash after checkpoint 2 brings a restart whose brief ticks 1 and 2, with their commits, and goes on from 3.
    await fx.waitForEvent('restart', 'stepper');
    const rebrief = await waitFor(async () => (await fx.captures('stepper'))[1], { what: "stepper's restart brief" });
    expect(rebrief).toContain(`1. [x] Lexer (done at ${lexer?.slice(0, 12) ?? '?'})`);
    expect(rebrief).toContain(`2. [x] Parser (done at ${parser?.slice(0, 12) ?? '?'})`);
    expect(rebrief).toContain('3. [ ] Printer');
    expect(rebrief).toContain('2 of 4 are done already (ticked above, with their commits): go on from checkpoint 3');

    // Working with no checkpoint for checkpoint_after: the nudge names the next open one.
    const nudge = await fx.waitForEvent('nudge', 'slow');
    expect(nudge.message).toMatch(/no checkpoint reported for \d+ s; the next one is 2\. Write the docs/);

    const told = await waitFor(async () => (await fx.captures('slow'))[1], { what: 'the nudge in the slow capture' });
    expect(told).toMatch(/the next one is 2\. Write the docs\)\. .*run `czar report --checkpoint <its number>`/s);

    // czar stats shows each worker's count and its next open checkpoint.
    const stats = await czar(['stats'], { cwd: fx.root });
    expect(stats.stdout).toContain('  stepper: 2/4, next 3. Printer');

    // An unknown checkpoint is refused with one sentence naming it and the open ones.
    const env = await workerEnv(fx.fleet.config.project, fx.fleet.paths.root, 'slow');
    const refused = await czar(['report', '--checkpoint', '9'], { cwd: path.join(fx.root, 'workers', 'slow'), env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toBe(
      `czar: --checkpoint "9" is not one of your task's 2 checkpoints; the open ones are 2. Write the docs, so give one's number, e.g. --checkpoint 2.`,
    );
  });

  it("takes a checkpoint reported before the czar has written the worker's status, against its task in the config", async () => {
    // As under `czar up`: the agent reports its first step while the czar that `up` starts last is not running yet.
    const fx = await fleetFixture({
      workers: [{ name: 'early', task: '# Two steps\n- [ ] Sketch the API\n- [ ] Write the docs\n@sim work 600 long' }],
    });
    await fx.launchWave();
    expect(await fx.status()).toBeUndefined();
    const env = await workerEnv(fx.fleet.config.project, fx.fleet.paths.root, 'early');
    const cwd = path.join(fx.root, 'workers', 'early');
    // A step with nothing committed is no step: HEAD is still base's own commit.
    const uncommitted = await czar(['report', '--checkpoint', 'sketch'], { cwd, env });
    expect(uncommitted.exitCode).toBe(2);
    expect(uncommitted.stderr).toMatch(
      /^czar: --checkpoint "sketch" comes with no commit of yours: HEAD of .*workers\/early is [0-9a-f]{12}, already in base "main"; commit the step's work, then report the checkpoint\.$/,
    );
    await writeFile(path.join(cwd, 'api.md'), 'the API\n');
    await gitIn(cwd, ['add', 'api.md']);
    await gitIn(cwd, ['commit', '-qm', 'sketch the API']);
    const taken = await czar(['report', '--checkpoint', 'sketch'], { cwd, env });
    expect(taken.stderr).toBe('');
    expect(taken.exitCode).toBe(0);
    const report = JSON.parse(await readFile(path.join(fx.fleet.paths.root, 'reports', 'early.json'), 'utf8')) as {
      checkpoint?: { number: number; text: string };
    };
    expect(report.checkpoint).toMatchObject({ number: 1, text: 'Sketch the API' });
    const refused = await czar(['report', '--checkpoint', '3'], { cwd, env });
    expect(refused.stderr).toBe(
      `czar: --checkpoint "3" is not one of your task's 2 checkpoints; the open ones are 1. Sketch the API; 2. Write the docs, so give one's number, e.g. --checkpoint 1.`,
    );
  });
});
