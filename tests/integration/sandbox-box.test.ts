import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { withoutBoxEngine } from '../helpers/cleanup.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { launch } from '../../src/launch/up-sequence.js';

const bwrap = existsSync('/usr/bin/bwrap');

describe.skipIf(!bwrap)('a boxed worker', () => {
  it('works in a repository of its own in czar state, in a box, and czar fetches its branch and takes its reports', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'boxed',
          task: '# Boxed\n@sim write src/boxed.ts export const boxed = 1;\\n\n@sim commit boxed: add boxed\n@sim done boxed in',
          sandbox: { mode: 'required', writable: ['captures'] },
        },
        {
          name: 'plain',
          task: '# Plain\n@sim write src/plain.ts export const plain = 1;\\n\n@sim commit plain: add plain\n@sim done plain in',
        },
      ],
    });
    const clone = path.join(fx.root, '.czar', 'work', 'boxed');
    await fx.launchWave();
    await fx.supervise();
    // Both are done with their commits, and both go into the integration branch.
    await fx.waitForEvent('integrated', 'boxed', { timeoutMs: 60_000 });
    await fx.waitForEvent('integrated', 'plain', { timeoutMs: 60_000 });
    expect(await gitIn(fx.repo, ['show', 'czar/integration:src/boxed.ts'])).toContain('boxed = 1');
    expect((await fx.events()).some((event) => event.kind === 'alert' && event.worker === 'boxed')).toBe(false);
    // Its own repository: a .git folder of its own, objects borrowed from the main one.
    expect(existsSync(path.join(clone, '.git', 'HEAD'))).toBe(true);
    expect(await readFile(path.join(clone, '.git', 'objects', 'info', 'alternates'), 'utf8')).toContain(fx.repo);
    // Its commit reached the main repository's branch, which no linked worktree holds.
    expect(await gitIn(fx.repo, ['show', 'czar/boxed:src/boxed.ts'])).toContain('boxed = 1');
    expect(await gitIn(fx.repo, ['worktree', 'list'])).not.toContain('boxed');
    // Its pane runs the engine.
    const started = (await fx.events()).find((event) => event.kind === 'session_started' && event.worker === 'boxed');
    expect(started).toBeDefined();
  });
});

describe.skipIf(!bwrap)('a write its box refuses', () => {
  it('is one alert line of the worker naming the path, so sandbox.writable can be widened knowingly', async () => {
    const target = `/var/czar-box-write-${randomBytes(4).toString('hex')}`;
    onTestFinished(() => rm(target, { force: true }));
    const fx = await fleetFixture({
      workers: [
        {
          name: 'writer',
          task: `# Writer\n@sim run touch ${target}\n@sim write w.txt w\\n\n@sim commit writer: add w\n@sim done writer in`,
          sandbox: 'required',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    const status = await fx.waitForStatus(
      (s) => workerIn(s, 'writer').alerts.some((alert) => alert.kind === 'box_refused'),
      { timeoutMs: 60_000, what: 'the box_refused alert' },
    );
    const alert = workerIn(status, 'writer').alerts.find((one) => one.kind === 'box_refused');
    expect(alert?.message).toContain(`the box of writer refused a write to ${target}`);
    expect(alert?.files).toEqual([target]);
    expect(existsSync(target)).toBe(false);
  });
});

describe('a box without an engine', () => {
  it('up --dry-run says what each box allows; required refuses in one sentence, on would run unboxed', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'must', task: '# Must\n@sim done must', sandbox: 'required' },
        { name: 'may', task: '# May\n@sim done may', sandbox: { mode: 'on', allow_hosts: ['registry.npmjs.org:443'] } },
      ],
    });
    const notes: string[] = [];
    const say = { note: (line: string) => notes.push(line), warn: (line: string) => notes.push(line) };
    if (bwrap) {
      expect(await launch(fx.fleet, { fetch: false, dryRun: true }, say)).toBe(0);
      expect(notes).toContain(
        `  must: boxed (required); writes ${path.join(fx.root, '.czar', 'work', 'must')}, its agent’s private config, a /tmp of its own; network: only its agent’s model endpoint, through czar’s door; sees its own processes only, no tmux socket, no siblings; its checks boxed with no network, its reviewer boxed with only its model endpoint`,
      );
      expect(notes).toContain('  must: agent mode: as configured: its agent has no no-approval mode');
    }
    notes.length = 0;
    process.env.CZAR_BWRAP = 'none';
    try {
      expect(await launch(fx.fleet, { fetch: false, dryRun: true }, say)).toBe(1);
      expect(notes).toContain('  may: not boxed: no sandbox engine (CZAR_BWRAP=none); sandbox: on runs it unboxed');
      expect(notes).toContain('  may: agent mode: as configured: not boxed');
      await expect(launch(fx.fleet, { fetch: false, dryRun: false }, say)).rejects.toThrow(
        'worker "must" has sandbox: required but this machine has no sandbox engine (CZAR_BWRAP=none); install bubblewrap (apt-get install bubblewrap) or set sandbox: on to run it unboxed.',
      );
    } finally {
      delete process.env.CZAR_BWRAP;
    }
    // bubblewrap without socat: the network door cannot be made, so the same two answers, naming socat.
    notes.length = 0;
    process.env.CZAR_SOCAT = 'none';
    try {
      expect(await launch(fx.fleet, { fetch: false, dryRun: true }, say)).toBe(1);
      expect(notes).toContain(
        '  may: not boxed: socat is not installed, and a boxed worker reaches its model only through socat; sandbox: on runs it unboxed',
      );
      await expect(launch(fx.fleet, { fetch: false, dryRun: false }, say)).rejects.toThrow(
        'worker "must" has sandbox: required but socat is not installed, and a boxed worker reaches its model only through socat; install it (apt-get install socat) or set sandbox: on to run it unboxed.',
      );
    } finally {
      delete process.env.CZAR_SOCAT;
    }
  });
});

describe('sandbox: on without an engine', () => {
  it('runs the worker unboxed in its repository of its own: its commits are fetched, its result file read, and it goes in', async () => {
    withoutBoxEngine();
    const fx = await fleetFixture({
      workers: [
        {
          name: 'may',
          task: '# May\n@sim write may.txt may\\n\n@sim commit may: add may\n@sim result MAY-RESULT\n@sim done may in',
          sandbox: 'on',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForEvent('integrated', 'may', { timeoutMs: 60_000 });
    expect(await gitIn(fx.repo, ['show', 'czar/integration:may.txt'])).toBe('may');
    expect(await readFile(path.join(fx.root, '.czar', 'results', 'may.md'), 'utf8')).toContain('MAY-RESULT');
    const events = await fx.events();
    // Said once per czar process (another test of this process may have said it already).
    for (const event of events.filter((each) => each.kind === 'sandbox_unavailable'))
      expect(event.message).toBe(
        'workers with sandbox: on run unboxed: no sandbox engine (CZAR_BWRAP=none); sandbox: on runs it unboxed',
      );
    expect(events.filter((event) => event.kind === 'bad_report')).toEqual([]);
  });
});
