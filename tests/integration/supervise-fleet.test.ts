import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

describe('czar supervision: a fleet at work', () => {
  it('gives a bonus task to the first finisher, realigns an off-scope worker and flags two overlapping ones', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'early',
          scope: ['src/early/**'],
          task: '# Finish early\n@sim write src/early/a.ts export const a = 1;\\n\n@sim commit early: a\n@sim done early work in',
        },
        {
          name: 'stray',
          scope: ['src/stray/**'],
          task: '# Stray out of scope\n@sim write docs/stray.md notes\\n\n@sim commit stray: docs\n@sim work 20 more',
        },
        {
          name: 'left',
          task: '# Overlap left\n@sim write shared/common.ts export const left = 1;\\n\n@sim commit left: common\n@sim work 20 more',
        },
        {
          name: 'right',
          task: '# Overlap right\n@sim write shared/common.ts export const right = 2;\\n\n@sim commit right: common\n@sim work 20 more',
        },
      ],
      bonus: [
        {
          name: 'extra',
          scope: ['src/bonus/**'],
          task: '# Bonus BONUS-7F3\n@sim write src/bonus/b.ts export const b = 2;\\n\n@sim commit bonus: b\n@sim done bonus in',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();

    // The finisher gets the bonus task, its sim receives the text, and it finishes that too.
    const bonus = await fx.waitForEvent('bonus', 'early');
    expect(bonus.data).toMatchObject({ task: 'extra' });
    await fx.waitForEvent('task_delivered', 'early', { match: (event) => event.data?.taskId === 'extra' });
    expect((await fx.captures('early')).at(-1)).toMatch(
      /Here is your next task \(extra: Bonus BONUS-7F3\)[\s\S]*@sim write src\/bonus\/b\.ts/,
    );

    // Off scope: an alert naming the file, and a realign message that reaches the agent.
    const offScope = await fx.waitForEvent('alert', 'stray', { match: (event) => event.data?.alert === 'off_scope' });
    expect(offScope.data?.files).toEqual(['docs/stray.md']);
    await fx.waitForEvent('realign', 'stray');
    await fx.waitForEvent('message_delivered', 'stray');
    expect(
      (await fx.captures('stray')).some((text) =>
        /outside your scope:[\s\S]*docs\/stray\.md[\s\S]*src\/stray\/\*\*/.test(text),
      ),
    ).toBe(true);

    // Overlap: both sides alerted, each naming the shared file and the other worker.
    for (const [self, peer] of [
      ['left', 'right'],
      ['right', 'left'],
    ] as const) {
      const alert = await fx.waitForEvent('alert', self, { match: (event) => event.data?.alert === 'overlap' });
      expect(alert.data?.files).toEqual(['shared/common.ts']);
      expect(alert.message).toContain(peer);
    }

    const status = await fx.waitForStatus(
      (s) => workerIn(s, 'early').state === 'done' && workerIn(s, 'early').tasks.length === 2,
      { what: 'early done with its bonus task' },
    );
    expect(workerIn(status, 'early')).toMatchObject({ tasks: ['early', 'extra'], git: { commitsAhead: 2 } });
    expect(status.queue).toEqual([]);
    expect(workerIn(status, 'early').alerts).toEqual([]);
    expect(workerIn(status, 'stray').alerts.find((alert) => alert.kind === 'off_scope')?.files).toContain(
      'docs/stray.md',
    );
    for (const [self, peer] of [
      ['left', 'right'],
      ['right', 'left'],
    ] as const) {
      expect(workerIn(status, self).alerts.find((alert) => alert.kind === 'overlap')).toMatchObject({
        peer,
        files: ['shared/common.ts'],
      });
    }
  });
});
