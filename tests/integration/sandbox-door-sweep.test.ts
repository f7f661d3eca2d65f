import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutBoxEngine } from '../helpers/cleanup.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

/** A report line of the door's own worker, as `czar report` writes it in its box. */
function reportLine(state: string, note: string, seq: number): string {
  return `${JSON.stringify({ worker: 'quiet', state, note, at: new Date().toISOString(), source: 'cli', seq })}\n`;
}

// A file watch can lose a write (a busy machine's watches have): the door's report is read at the sweep all the same.
describe.skipIf(!existsSync('/usr/bin/bwrap'))("a boxed worker's report the door's watch never tells", () => {
  it('is passed on at the next sweep of the doors', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'quiet', sandbox: 'required', task: '# Quiet\n@sim hang' }],
      policy: { idle_after: '1h', stuck_after: '2h', escalate_after: '1h', bonus: 'off' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForEvent('report', 'quiet');
    const stream = path.join(fx.root, '.czar', 'doors', 'quiet', 'reports', 'quiet.jsonl');
    // The czar runs in this process, so nothing of its watch runs between these writes. A line the watch tells,
    // leaving the stream's modification time at a known value...
    appendFileSync(stream, reportLine('working', 'told by the watch', 50));
    utimesSync(stream, 1000, 1000);
    await fx.waitForEvent('report', 'quiet', { match: (event) => event.message.includes('told by the watch') });
    // ...then one it does not: the watch takes a change that leaves the modification time as it was, and was read
    // after it, for no change at all.
    appendFileSync(stream, reportLine('done', 'never told', 51));
    utimesSync(stream, 5000, 1000);
    const done = await fx.waitForEvent('report', 'quiet', {
      match: (event) => event.message.includes('never told'),
      timeoutMs: 30_000,
    });
    expect(done.message).toContain('done');
  });
});

/** git run in this process's thread, so the czar's watch cannot run until the test's next await. */
function gitNow(cwd: string, args: readonly string[]): string {
  const identity = { GIT_AUTHOR_NAME: 'Czar Test', GIT_AUTHOR_EMAIL: 'test@czar.invalid' };
  const env = {
    ...process.env,
    ...identity,
    GIT_COMMITTER_NAME: 'Czar Test',
    GIT_COMMITTER_EMAIL: 'test@czar.invalid',
  };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
}

// With no engine, sandbox: on runs a worker unboxed but in a repository of its own: its branch is fetched from there
// when a ref moves, and at the sweep when a move went untold (a commit made before the watch was ready).
describe("a commit in a worker's repository of its own that the watch never tells", () => {
  it('is fetched at the next sweep', async () => {
    withoutBoxEngine();
    const fx = await fleetFixture({
      workers: [{ name: 'quiet', sandbox: 'on', task: '# Quiet\n@sim hang' }],
      policy: { idle_after: '1h', stuck_after: '2h', escalate_after: '1h', bonus: 'off' },
    });
    await fx.launchWave();
    await fx.supervise();
    const own = path.join(fx.root, '.czar', 'work', 'quiet');
    const ref = path.join(own, '.git', 'refs', 'heads', 'czar', 'quiet');
    const tipHere = (): Promise<string> => gitIn(fx.repo, ['rev-parse', 'refs/heads/czar/quiet']);
    // A commit the watch tells, leaving the ref's modification time at a known value...
    gitNow(own, ['commit', '--allow-empty', '--quiet', '-m', 'told', '--no-verify']);
    const told = gitNow(own, ['rev-parse', 'HEAD']);
    utimesSync(ref, 1000, 1000);
    await waitFor(async () => (await tipHere()) === told, { timeoutMs: 20_000, what: 'the told commit fetched' });
    // ...then one it does not: the ref rewritten in place, its modification time as it was.
    const untold = gitNow(own, ['commit-tree', '-p', told, '-m', 'never told', `${told}^{tree}`]);
    writeFileSync(ref, `${untold}\n`);
    utimesSync(ref, 5000, 1000);
    await waitFor(async () => (await tipHere()) === untold, { timeoutMs: 30_000, what: 'the untold commit fetched' });
  });
});
