import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { askCzar } from '../../src/fleet/requests.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: the person in the loop', () => {
  it('czar pause stops nudges for a worker (alerts only) and resume brings them back', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'q', task: '# Stop early\n@sim work 2 reading\n@sim quiet' }] });
    await fx.launchWave();
    await fx.supervise();
    expect(await askCzar(fx.fleet.paths, { kind: 'pause', worker: 'q' })).toMatchObject({ ok: true });
    await fx.waitForEvent('pause', 'q');

    // Idle while paused: the alert is raised, but the nudge that comes with it on an unpaused worker does not.
    await fx.waitForEvent('alert', 'q', { match: (event) => event.data?.alert === 'idle_unfinished' });
    const status = await fx.waitForStatus((s) => workerIn(s, 'q').state === 'idle');
    expect(workerIn(status, 'q').paused).toBe(true);
    expect((await fx.events()).filter((event) => ['nudge', 'rebrief', 'restart'].includes(event.kind))).toEqual([]);

    expect(await askCzar(fx.fleet.paths, { kind: 'resume', worker: 'q' })).toMatchObject({ ok: true });
    const nudge = await fx.waitForEvent('nudge', 'q');
    const resume = await fx.waitForEvent('resume', 'q');
    expect(Date.parse(nudge.at)).toBeGreaterThanOrEqual(Date.parse(resume.at));
    await fx.waitForEvent('message_delivered', 'q');
    expect((await fx.captures('q')).at(-1)).toMatch(/^Worker q: /);
  });

  it('answers a request an earlier czar read but never answered, not one it answered but never let go, and does not carry out one a czar died on', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'q', task: '# Wait\n@sim idle' }] });
    await fx.launchWave();
    const requests = fx.fleet.paths.requests;
    await mkdir(requests, { recursive: true });
    await writeFile(
      path.join(requests, '1-unanswered.json'),
      JSON.stringify({ id: '1-unanswered', kind: 'pause', worker: 'q' }),
    );
    const earlier = JSON.stringify({ id: '2-answered', ok: true, message: 'autonomy resumed for q' });
    await writeFile(
      path.join(requests, '2-answered.json'),
      JSON.stringify({ id: '2-answered', kind: 'resume', worker: 'q' }),
    );
    await writeFile(path.join(requests, '2-answered.result.json'), earlier);
    // A czar took this one and died without answering: perhaps of it, so the next czar must not run it again.
    await writeFile(
      path.join(requests, '3-died-on.json'),
      JSON.stringify({ id: '3-died-on', kind: 'restart', worker: 'q' }),
    );
    await writeFile(path.join(requests, '3-died-on.taken'), '1\n');
    await fx.supervise();

    const answer = await waitFor(
      async () => readFile(path.join(requests, '1-unanswered.result.json'), 'utf8').catch(() => undefined),
      { what: 'the answer to the request left unanswered' },
    );
    expect(JSON.parse(answer)).toEqual({ id: '1-unanswered', ok: true, message: 'autonomy paused for q' });
    await waitFor(
      async () =>
        (await readdir(requests)).sort().join(' ') ===
        '1-unanswered.result.json 2-answered.result.json 3-died-on.result.json'
          ? true
          : undefined,
      {
        what: 'both request files let go',
      },
    );
    expect(await readFile(path.join(requests, '2-answered.result.json'), 'utf8')).toBe(earlier);
    const status = await fx.waitForStatus((s) => workerIn(s, 'q').paused === true);
    expect(workerIn(status, 'q').paused).toBe(true);
    expect((await fx.events()).filter((event) => event.kind === 'resume')).toEqual([]);
    const diedOn = JSON.parse(await readFile(path.join(requests, '3-died-on.result.json'), 'utf8')) as {
      ok: boolean;
      message: string;
    };
    expect(diedOn).toMatchObject({ ok: false, message: expect.stringContaining('was not carried out again') });
    expect((await fx.events()).filter((event) => event.kind === 'restart')).toEqual([]);
  });

  it('runs the notify command once per episode with the alert as JSON on stdin', async () => {
    const fx = await fleetFixture({
      workers: [
        { name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' },
        { name: 'boom', task: '# Crash\n@sim crash 4' },
      ],
      policy: { restart: { max: 0, backoff: '1s' } },
      notify: (root) => ({ command: './notify.sh', args: [path.join(root, 'notified.jsonl')] }),
    });
    const script = path.join(fx.root, 'notify.sh');
    const sink = path.join(fx.root, 'notified.jsonl');
    await writeFile(script, '#!/bin/sh\ncat >> "$1"\n');
    await chmod(script, 0o755);
    await fx.launchWave();
    await fx.supervise();

    await fx.waitForEvent('sprint_over');
    const lines = await waitFor(
      async () => {
        const text = await readFile(sink, 'utf8').catch(() => '');
        const parsed = text
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        return parsed.length >= 2 ? parsed : undefined;
      },
      { what: 'two notifications' },
    );
    expect(lines.map((line) => `${String(line.worker)}:${String(line.episode)}`).sort()).toEqual([
      'boom:crashed',
      'fin:done',
    ]);
    expect(lines.find((line) => line.worker === 'fin')).toMatchObject({
      project: fx.fleet.config.project,
      summary: 'fin is done: finished',
    });
    expect(lines.find((line) => line.worker === 'boom')?.summary, JSON.stringify(lines)).toMatch(
      /boom crashed for good: the agent exited with (status 4|an unknown status)/,
    );
    // Passes after the episode began (sprint_over came later) sent nothing more.
    expect((await fx.events()).filter((event) => event.kind === 'notify')).toHaveLength(2);
    expect((await readFile(sink, 'utf8')).split('\n').filter((line) => line !== '')).toHaveLength(2);
  });

  it('answers a request file it cannot take with why, so the command never waits for nothing; the CLI side refuses it first', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'a', task: '# Wait\n@sim idle' }] });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => status.supervisor !== undefined, { what: 'the first status' });

    // As an older or broken writer would leave it: a line no file has, past what JSON numbers hold exactly.
    const id = `${Date.now()}-badline`;
    const requests = fx.fleet.paths.requests;
    await writeFile(
      path.join(requests, `${id}.json`),
      `{"id":"${id}","kind":"comment","worker":"a","file":"src/a.ts","line":99999999999999999999,"text":"x"}`,
    );
    const answer = await waitFor(
      async () =>
        JSON.parse(await readFile(path.join(requests, `${id}.result.json`), 'utf8')) as {
          ok: boolean;
          message: string;
        },
      { what: 'the answer to the malformed request' },
    );
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(
      /^The czar cannot take this request \(line: Too big: [^)]*\), so nothing was done; /,
    );
    await fx.waitForEvent('bad_request');

    // The command side refuses the same before it writes anything.
    await expect(
      askCzar(fx.fleet.paths, { kind: 'comment', worker: 'a', file: 'src/a.ts', line: 1e20, text: 'x' }),
    ).rejects.toThrow(
      /^The "comment" request is not one the czar takes \(line: Too big: [^)]*\), so it was not sent; /,
    );
    const fine = await askCzar(fx.fleet.paths, { kind: 'comment', worker: 'a', file: 'src/a.ts', line: 3, text: 'x' });
    expect(fine.ok).toBe(true);
  });
});
