import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture, PACKAGE_ROOT, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';
import { answeringPort, watchedPort } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

const ESCAPES = [
  'sibling-folder',
  'sibling-branch-in-main-repo',
  'sibling-branch-in-its-repo',
  'main-checkout',
  'czar-state',
  'home',
  'ssh-keys',
  'tmux-socket',
  'proc-of-siblings',
  'loopback-port',
  'loopback-port-through-door',
  'forged-report',
];

describe.skipIf(!existsSync('/usr/bin/bwrap'))('a hostile boxed worker', () => {
  it('fails at every escape while its honest sibling works, and both commits are verified and integrated', async () => {
    const script = await readFile(path.join(PACKAGE_ROOT, 'tests', 'fixtures', 'hostile-worker.sh'), 'utf8');
    const forbidden = await watchedPort();
    const model = await answeringPort('pong');
    // The person's keys, which the box must hide (the hostile worker's agent has this folder as its home): a folder
    // of this test's, as a fixed path is another run's (or another user's) when two run at once.
    const home = await tempDir('czar-hostile-home-');
    await mkdir(path.join(home, '.ssh'), { recursive: true });
    await writeFile(path.join(home, '.ssh', 'id_test'), 'SECRET\n');
    const ask = `fetch('http://127.0.0.1:${model}/v1/messages').then((r) => r.text()).then((t) => require('fs').writeFileSync('.git/net.log', t), (e) => require('fs').writeFileSync('.git/net.log', 'error ' + e.message))`;
    const fx = await fleetFixture({
      files: { 'escape.sh': script },
      checks: [{ name: 'readme', run: 'test -f README.md' }],
      workers: [
        {
          name: 'hostile',
          task: '# Hostile\n@sim run sh escape.sh\n@sim write src/hostile.ts export const hostile = 1;\\n\n@sim commit hostile: own work\n@sim done hostile in',
          sandbox: { mode: 'required', writable: ['captures'] },
          env: { HOSTILE_SIBLING: 'honest', HOSTILE_PORT: String(forbidden.port), HOME: home },
        },
        {
          name: 'honest',
          task: `# Honest\n@sim run node -e "${ask}"\n@sim work 2 honest work\n@sim write src/honest.ts export const honest = 1;\\n\n@sim commit honest: add honest\n@sim done honest in`,
          sandbox: { mode: 'required', writable: ['captures'] },
          // Its model endpoint: the box's door lets it through, and nothing else.
          env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${model}` },
        },
      ],
    });
    const honestBefore = await gitIn(fx.repo, ['rev-parse', 'main']);
    await fx.launchWave();
    await fx.supervise();

    const log = path.join(fx.root, '.czar', 'work', 'hostile', '.git', 'escape.log');
    const lines = await waitFor(
      async () => {
        const text = await readFile(log, 'utf8').catch(() => '');
        return text.includes('finished') ? text.trim().split('\n') : undefined;
      },
      { timeoutMs: 60_000, what: 'the escape attempts' },
    );
    expect(lines).toEqual([...ESCAPES.map((what) => `blocked ${what}`), 'finished']);

    // Both are verified and integrated: the honest work and the hostile worker's own commit.
    await fx.waitForEvent('integrated', 'honest', { timeoutMs: 90_000 });
    await fx.waitForEvent('integrated', 'hostile', { timeoutMs: 90_000 });
    expect(await gitIn(fx.repo, ['show', 'czar/integration:src/honest.ts'])).toContain('honest = 1');
    expect(await gitIn(fx.repo, ['show', 'czar/integration:src/hostile.ts'])).toContain('hostile = 1');

    // The honest worker reached its model endpoint through its door; the hostile worker's refused connection is one
    // alert line of its own.
    expect(await readFile(path.join(fx.root, '.czar', 'work', 'honest', '.git', 'net.log'), 'utf8')).toBe('pong');
    const refusals = (await fx.events()).filter(
      (event) =>
        event.worker === 'hostile' && event.message.includes(`refused a connection to 127.0.0.1:${forbidden.port}`),
    );
    expect(refusals.map((event) => event.kind).sort()).toEqual(['alert', 'box_refused']);
    const after = await fx.status();
    if (after === undefined) throw new Error('no status.json');
    const hostile = workerIn(after, 'hostile');
    expect(hostile.alerts.find((alert) => alert.kind === 'box_refused')?.message).toContain(
      `refused a connection to 127.0.0.1:${forbidden.port} (neither its agent's model endpoint nor in sandbox.allow_hosts)`,
    );

    // Seen from outside: nothing was written where it aimed, nothing reached the port, no report spoke for honest.
    expect(existsSync(path.join(fx.root, '.czar', 'work', 'honest', 'pwned.txt'))).toBe(false);
    expect(existsSync(path.join(fx.repo, 'pwned.txt'))).toBe(false);
    expect(existsSync(path.join(home, '.hostile-pwned'))).toBe(false);
    expect(forbidden.reached()).toBe(false);
    expect(await gitIn(fx.repo, ['merge-base', '--is-ancestor', honestBefore, 'czar/honest']).then(() => true)).toBe(
      true,
    );
    const honestReports = await readFile(path.join(fx.root, '.czar', 'reports', 'honest.jsonl'), 'utf8');
    expect(honestReports).not.toContain('forged');
    const events = await fx.events();
    expect(
      events.some(
        (event) => event.kind === 'bad_report' && event.worker === 'hostile' && event.message.includes('"honest"'),
      ),
    ).toBe(true);
    expect(
      (await fx.captures('honest')).some((text) => text.includes('pwned')),
      'keys typed into the honest pane',
    ).toBe(false);
  });
});
