import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

// The check prints what a capable agent would conclude from its failure; the sim acts on `@sim` lines it is sent,
// so the fix-up's output tail is what makes the simulated agent fix its branch.
const VALUE_CHECK = [
  'touch checked-here',
  'if [ "$(cat src/value.txt)" = fixed ]; then echo value ok; exit 0; fi',
  'echo "value is $(cat src/value.txt), expected fixed"',
  "printf '%s\\n' '@sim write src/value.txt fixed' '@sim commit fix the value' '@sim done value fixed'",
  'exit 3',
].join('\n');

describe('czar supervision: done means verified', () => {
  it('a done claim whose check fails gets a fix-up; the fix passes, the worker is verified, and only then gets a bonus task', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'fixer',
          task: '# Set the value\n@sim write src/value.txt broken\n@sim commit set the value\n@sim done value set',
        },
      ],
      checks: [{ name: 'value', run: VALUE_CHECK, timeout: '30s' }],
      bonus: [
        {
          name: 'extra',
          task: '# Extra EXTRA-9\n@sim write src/extra.txt more\n@sim commit extra\n@sim done extra done',
        },
      ],
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    await fx.launchWave();
    await fx.supervise();

    // The first claim fails its check, in czar's own checkout, never in the worker's worktree.
    const failed = await fx.waitForEvent('checks_failed', 'fixer');
    const firstSha = String(failed.data?.sha);
    const logFile = path.join(fx.fleet.paths.root, 'checks', 'fixer', `${firstSha}.log`);
    expect(failed.data?.logFile).toBe(logFile);
    expect(await readFile(logFile, 'utf8')).toContain('value is broken, expected fixed');
    const checkout = path.join(fx.fleet.paths.root, 'checkouts', 'fixer');
    expect(existsSync(path.join(checkout, 'checked-here'))).toBe(true);
    expect(existsSync(path.join(fx.fleet.config.workers[0]?.worktree ?? '', 'checked-here'))).toBe(false);

    // The fix-up names the check, the command and the output's tail, and reaches the agent.
    await fx.waitForEvent('fixup', 'fixer');
    await fx.waitForEvent('message_delivered', 'fixer');
    const fixup = (await fx.captures('fixer')).find((text) => text.includes('does not pass its checks'));
    expect(fixup).toContain('Check "value" failed (exit status 3)');
    expect(fixup).toContain('value is broken, expected fixed');
    expect(fixup).toContain(logFile);

    // The fix is a new commit: the checks run again on it, pass, and the worker is verified before its bonus task.
    const passed = await fx.waitForEvent('checks_passed', 'fixer');
    expect(passed.data?.sha).not.toBe(firstSha);
    // The bonus comes in a later pass than the verdict: the order is read once it has come.
    await fx.waitForEvent('bonus', 'fixer');
    const events = await fx.events();
    const order = (predicate: (event: (typeof events)[number]) => boolean): number => events.findIndex(predicate);
    const verifiedAt = order(
      (event) => event.kind === 'state' && event.worker === 'fixer' && event.message.startsWith('done -> verified'),
    );
    const bonusAt = order((event) => event.kind === 'bonus' && event.worker === 'fixer');
    expect(verifiedAt).toBeGreaterThan(order((event) => event.kind === 'checks_passed'));
    expect(bonusAt).toBeGreaterThan(verifiedAt);
    expect(order((event) => event.kind === 'bonus')).toBe(bonusAt);

    // The bonus work is checked too, and the worker ends verified with both tasks and no alert left; the sprint is
    // over once its branch is in the integration branch too.
    const status = await fx.waitForStatus(
      (s) => workerIn(s, 'fixer').state === 'verified' && workerIn(s, 'fixer').tasks.length === 2 && s.sprintOver,
      { what: 'fixer verified after its bonus task, and the sprint over' },
    );
    expect(workerIn(status, 'fixer')).toMatchObject({
      tasks: ['fixer', 'extra'],
      alerts: [],
      git: { commitsAhead: 3 },
    });
    expect(status.integration?.holds).toEqual(['fixer']);
  });

  it("runs at most check_concurrency checks at once across the fleet, and a worker's own check replaces the fleet's", async () => {
    // Each run appends "start <worker>" and "end <worker>" to one file at the fixture's root (three folders up
    // from .czar/checkouts/<worker>), so overlapping runs would interleave.
    const slow =
      'echo "start $CZAR_WORKER" >> ../../../order.log; sleep 1; echo "end $CZAR_WORKER" >> ../../../order.log';
    const done = (name: string) => `# ${name}\n@sim write ${name}.txt done\n@sim commit ${name}\n@sim done ${name} in`;
    const fx = await fleetFixture({
      workers: [
        { name: 'one', task: done('one') },
        { name: 'two', task: done('two') },
        { name: 'three', task: done('three'), checks: [{ name: 'slow', run: 'echo own check > own.txt' }] },
      ],
      checks: [{ name: 'slow', run: slow, timeout: '30s' }],
      policy: { check_concurrency: 1, idle_after: '1m', escalate_after: '1m' },
    });
    await fx.launchWave();
    await fx.supervise();
    // The integration branch merges each verified branch and runs the same fleet check on the result: wait for all.
    await fx.waitForStatus(
      (s) => s.workers.every((worker) => worker.state === 'verified') && s.integration?.holds.length === 3,
      { timeoutMs: 60_000, what: 'all three verified and integrated' },
    );
    const order = (await readFile(path.join(fx.root, 'order.log'), 'utf8')).split('\n').filter((line) => line !== '');
    // Never two at once: each start is followed by its own end. The integration branch's run of the same check
    // (no CZAR_WORKER) shares the limit too.
    const pairs = Array.from({ length: Math.ceil(order.length / 2) }, (_, index) => [
      order[2 * index],
      order[2 * index + 1],
    ]);
    for (const [start, end] of pairs)
      expect(`${start ?? ''}|${end ?? ''}`, order.join(' | ')).toBe(
        `${start ?? ''}|${(start ?? '').replace('start', 'end')}`,
      );
    expect(
      order
        .filter((line) => line.startsWith('start '))
        .map((line) => line.slice('start '.length))
        .filter((worker) => worker !== '')
        .sort(),
    ).toEqual(['one', 'two']);
    expect(existsSync(path.join(fx.fleet.paths.root, 'checkouts', 'three', 'own.txt'))).toBe(true);
  });
});
