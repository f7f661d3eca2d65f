import { describe, expect, it } from 'vitest';
import { askCzar } from '../../src/fleet/requests.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

describe("czar supervision: a person's review comments", () => {
  it('comments left during a long turn arrive after it, as one message, and the commit that answers them is verified', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'lister',
          task: [
            '# Add the list helper',
            '@sim work 15 writing the helper',
            '@sim write src/a.ts export const first = (list) => list[0];',
            '@sim commit add the list helper',
            '@sim done list helper added',
          ].join('\n'),
        },
      ],
      checks: [{ name: 'exists', run: 'test -f src/a.ts', timeout: '30s' }],
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((s) => workerIn(s, 'lister').state === 'working', { what: 'lister in its turn' });

    const one = await askCzar(fx.fleet.paths, {
      kind: 'comment',
      worker: 'lister',
      file: 'src/a.ts',
      line: 1,
      text: 'first() crashes on an empty list',
    });
    const two = await askCzar(fx.fleet.paths, { kind: 'comment', worker: 'lister', text: 'say what it returns' });
    expect([one.ok, two.ok]).toEqual([true, true]);
    const answeredAt = Date.now();

    // Both comments reach the worker once its turn is over, in one paste.
    const sent = await fx.waitForEvent('comments', 'lister');
    const events = await fx.events();
    const turnEnd = events.find((event) => event.kind === 'state' && /^working -> done/.test(event.message));
    expect(turnEnd, 'the turn ended with done').toBeDefined();
    expect(Date.parse(String(turnEnd?.at))).toBeGreaterThan(answeredAt);
    expect(Date.parse(sent.at)).toBeGreaterThanOrEqual(Date.parse(String(turnEnd?.at)));
    await fx.waitForEvent('message_delivered', 'lister', { match: (event) => event.at >= sent.at });
    const message = (await fx.captures('lister')).find((text) => text.includes('[comment]'));
    expect(message).toContain('left 2 review comments');
    expect(message).toContain('src/a.ts:1 [comment] first() crashes on an empty list');
    expect(message).toContain('[comment] say what it returns');
    expect(message).toContain('commit, then report done');

    // The answering commit is checked and verified (the hold on the commented commit is unit-tested: person-comments).
    const status = await fx.waitForStatus((s) => workerIn(s, 'lister').state === 'verified', {
      what: 'lister verified after answering the comments',
      timeoutMs: 60_000,
    });
    const all = await fx.events();
    expect(all.filter((event) => event.kind === 'comments')).toHaveLength(1);
    const passed = all.filter((event) => event.kind === 'checks_passed' && event.worker === 'lister');
    const verifiedSha = workerIn(status, 'lister').git.lastCommit?.sha;
    expect(passed.at(-1)?.data?.sha).toBe(verifiedSha);
    // The verified commit is one checked after the comments were sent: the answer, not the commented commit.
    const verifiedCheck = passed.find((event) => event.data?.sha === verifiedSha);
    expect(Date.parse(String(verifiedCheck?.at))).toBeGreaterThan(Date.parse(sent.at));
    const verifiedAt = all.findIndex((event) => event.kind === 'state' && /-> verified/.test(event.message));
    expect(verifiedAt).toBeGreaterThan(all.indexOf(all.find((event) => event.kind === 'comments') ?? sent));
  });
});
