import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reviewCheckout } from '../../src/domain/model/paths.js';
import { boxedReviewer } from '../helpers/boxed-reviewer.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { answeringPort, watchedPort } from '../helpers/ports.js';

describe.skipIf(!existsSync('/usr/bin/bwrap'))('the reviewer of a boxed worker', () => {
  it('runs in a box: it writes neither the checkout nor the home, reads no sibling nor czar’s state, reaches only its model endpoint', async () => {
    const answer = `model-${randomBytes(4).toString('hex')}`;
    const model = await answeringPort(answer);
    const port = await watchedPort();
    const homeFile = path.join(homedir(), `.czar-review-escaped-${randomBytes(4).toString('hex')}`);
    onTestFinished(() => rm(homeFile, { force: true }));
    const fx = await fleetFixture({
      workers: [
        {
          name: 'boxed',
          task: '# Boxed\n@sim write src/boxed.ts export const boxed = 1;\\n\n@sim commit boxed: add boxed\n@sim done boxed in',
          sandbox: 'required',
        },
        // A sibling that keeps a file of its own in its worktree, and is never reviewed.
        { name: 'sibling', task: '# Sibling\n@sim write notes.txt the sibling’s own notes\\n', review: 'off' },
      ],
      agents: (root) => ({
        judge: boxedReviewer({
          modelPort: model,
          badPort: port.port,
          homeFile,
          siblingFile: path.join(root, 'workers', 'sibling', 'notes.txt'),
          stateFile: path.join(root, '.czar', 'events.jsonl'),
        }),
      }),
      review: { agent: 'judge', timeout: '60s' },
      policy: { idle_after: '1m', escalate_after: '1m', bonus: 'off' },
    });
    expect(path.join(fx.root, '.czar', 'events.jsonl')).toBe(fx.fleet.paths.events);
    await fx.launchWave();
    await fx.supervise();

    await fx.waitForEvent('review_approved', 'boxed', { timeoutMs: 90_000 });
    const status = await fx.waitForStatus((s) => workerIn(s, 'boxed').review?.state === 'approved', {
      what: 'the approval in status',
    });
    const summary = workerIn(status, 'boxed').review?.summary ?? '';
    expect(summary).toContain(`model said ${answer}`);
    expect(existsSync(path.join(fx.root, 'workers', 'sibling', 'notes.txt')), 'the sibling’s file is there').toBe(true);
    expect(summary).toMatch(/checkout: (EROFS|EACCES|EPERM)/);
    expect(summary).toMatch(/sibling: ENOENT/);
    expect(summary).toMatch(/state: ENOENT/);
    expect(summary).toMatch(/port: ECONNREFUSED/);
    expect(existsSync(path.join(reviewCheckout(fx.fleet.paths, 'boxed'), 'escaped-review.txt'))).toBe(false);
    expect(existsSync(homeFile), 'a file the reviewer wrote in the home').toBe(false);
    expect(port.reached(), 'the reviewer reached a loopback port').toBe(false);
  });
});
