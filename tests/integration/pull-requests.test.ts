import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../../src/adapters/state-files.js';
import type { FleetEvent } from '../../src/domain/model/words.js';
import type { FleetStatus, WorkerStatus } from '../../src/domain/status/status-schema.js';
import { czar } from '../helpers/cli.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';

const STANDIN_BIN = path.resolve(import.meta.dirname, '../fixtures/bin');

interface GhCall {
  readonly args: readonly string[];
  readonly stdin: string;
}

async function ghCalls(log: string): Promise<GhCall[]> {
  const text = await readFile(log, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as GhCall);
}

/** A fleet whose repo has a bare `origin`, one finished branch per worker, and a status.json saying so. */
async function finishedFleet(pr: Record<string, unknown>) {
  const fx = await fleetFixture({
    workers: [
      { name: 'api', task: '# Build the API' },
      { name: 'docs', task: '# Write the docs' },
    ],
    pr,
  });
  const remote = path.join(await tempDir('czar-remote-'), 'origin.git');
  await gitIn(path.dirname(remote), ['init', '--quiet', '--bare', remote]);
  await gitIn(fx.repo, ['remote', 'add', 'origin', remote]);
  await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
  await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
  const tips: Record<string, string> = {};
  for (const name of ['api', 'docs']) {
    await gitIn(fx.repo, ['checkout', '--quiet', '-b', `czar/${name}`, 'main']);
    await writeFile(path.join(fx.repo, `${name}.txt`), `${name}\nline two\n`);
    await gitIn(fx.repo, ['add', '-A']);
    await gitIn(fx.repo, ['commit', '--quiet', '-m', `${name}: add ${name}.txt`]);
    tips[name] = await gitIn(fx.repo, ['rev-parse', 'HEAD']);
  }
  await gitIn(fx.repo, ['checkout', '--quiet', 'main']);
  await mkdir(path.join(fx.fleet.paths.root, 'results'), { recursive: true });
  const resultFile = path.join(fx.fleet.paths.root, 'results', 'api.md');
  await writeFile(resultFile, 'API done: GET /health answers 200.\n\x1b[31mred\n');
  const worker = (name: string, state: WorkerStatus['state']): WorkerStatus => ({
    name,
    state,
    since: '2025-01-01T10:05:00.000Z',
    branch: `czar/${name}`,
    title: name === 'api' ? 'Build the API' : 'Write the docs',
    agent: 'sim',
    git: {
      commitsAhead: 1,
      filesChanged: [`${name}.txt`],
      lastCommit: { sha: tips[name] ?? '', subject: `${name}: add ${name}.txt`, at: '2025-01-01T10:04:00.000Z' },
      dirty: [],
    },
    restarts: name === 'docs' ? 1 : 0,
    alerts: [],
    paused: false,
    tasks: [name],
    ...(name === 'api' ? { resultFile } : {}),
  });
  const status: FleetStatus = {
    project: fx.fleet.config.project,
    base: 'main',
    startedAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:05:00.000Z',
    paused: false,
    workers: [worker('api', 'done'), worker('docs', 'working')],
    queue: [],
    sprintOver: false,
  };
  await writeJsonAtomic(fx.fleet.paths.status, status);
  const events: FleetEvent[] = [
    { at: '2025-01-01T10:00:00.000Z', kind: 'launch', worker: 'api', message: 'launching' },
    { at: '2025-01-01T10:00:00.000Z', kind: 'launch', worker: 'docs', message: 'launching' },
    {
      at: '2025-01-01T10:00:00.000Z',
      kind: 'task_delivered',
      worker: 'api',
      message: 'delivered task "api"',
      data: { taskId: 'api' },
    },
    {
      at: '2025-01-01T10:00:00.000Z',
      kind: 'task_delivered',
      worker: 'docs',
      message: 'delivered task "docs"',
      data: { taskId: 'docs' },
    },
    { at: '2025-01-01T10:01:00.000Z', kind: 'nudge', worker: 'docs', message: 'idle' },
    { at: '2025-01-01T10:02:00.000Z', kind: 'send', worker: 'docs', message: 'message from the person (5 bytes)' },
    { at: '2025-01-01T10:03:30.000Z', kind: 'state', worker: 'api', message: 'working -> done: reported done' },
  ];
  await writeFile(fx.fleet.paths.events, events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  const log = path.join(fx.root, 'gh-calls.jsonl');
  const env = { PATH: `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}`, GH_STANDIN_LOG: log };
  return { fx, remote, tips, log, env, resultFile };
}

describe('pull requests and the handoff (bare remote, stand-in gh)', () => {
  it('pushes an integrated branch, opens its draft pull request with the result and checks in the body, and shows it in the handoff', async () => {
    const { fx, remote, tips, log, env } = await finishedFleet({ remote: 'origin', when: 'integrated', draft: true });

    const run = await czar(['integrate', '-c', fx.configFile], { cwd: fx.root, env });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/merged api/);
    expect(run.stdout).toContain('pull request for czar/api: https://github.com/czar-test/repo/pull/1 (OPEN)');
    // Pushed with its upstream set; docs (not finished) is neither merged nor pushed.
    expect(await gitIn(remote, ['rev-parse', 'czar/api'])).toBe(tips.api);
    expect(await gitIn(fx.repo, ['rev-parse', '--abbrev-ref', 'czar/api@{upstream}'])).toBe('origin/czar/api');
    expect(await gitIn(remote, ['branch', '--list', 'czar/docs'])).toBe('');

    const calls = await ghCalls(log);
    const create = calls.find((call) => call.args[0] === 'pr' && call.args[1] === 'create');
    expect(create?.args).toEqual([
      'pr',
      'create',
      '--head',
      'czar/api',
      '--base',
      'main',
      '--title',
      'Build the API',
      '--body-file',
      '-',
      '--draft',
    ]);
    expect(create?.stdin).toContain('API done: GET /health answers 200.');
    expect(create?.stdin).toContain('\u241b[31mred');
    expect(create?.stdin).toContain('merged into czar/integration and its checks passed');
    expect(calls.some((call) => call.args.join(' ') === 'pr view czar/api --json url,state')).toBe(true);

    // A second run opens nothing new.
    await czar(['integrate', '-c', fx.configFile], { cwd: fx.root, env });
    expect((await ghCalls(log)).filter((call) => call.args[1] === 'create')).toHaveLength(1);

    const handoff = await czar(['handoff', '-c', fx.configFile], { cwd: fx.root, env });
    expect(handoff.stderr).toBe('');
    expect(handoff.stdout.trim()).toBe(path.join(fx.fleet.paths.root, 'HANDOFF.md'));
    const lines = (await readFile(handoff.stdout.trim(), 'utf8')).split('\n');
    expect(lines).toContain('### api: Build the API');
    expect(lines).toContain('- state: done (finished with evidence), integrated into `czar/integration`');
    expect(lines).toContain(`  - ${tips.api?.slice(0, 10) ?? ''} api: add api.txt`);
    expect(lines).toContain('  - `api.txt` +2 -0');
    expect(lines).toContain('- pull request: https://github.com/czar-test/repo/pull/1 (OPEN)');
    expect(lines).toContain('- state: working (not finished)');
    expect(lines).toContain('- restarts: 1');
    // The metrics of czar stats, a row per task; the sims keep no records czar reads here: unknown, never zero.
    expect(lines).toContain('| api | api | 4 min | - | 0 | 0 | 0 | unknown | unknown |');
    expect(lines).toContain('| docs | docs | - | - | 1 | 0 | 1 | unknown | unknown |');
    expect(lines).toContain('- holds: api');
    expect(lines).toContain('  - docs: not finished: still working');
    expect(lines).toContain('- docs is working, not finished: look at it with "czar attach docs"');
    // Launches, a nudge, a merge and a pull request by the czar against one message from the person.
    expect(lines.find((line) => line.startsWith('The czar acted'))).toMatch(
      /; you acted 1 time\(s\): \d+(\.\d)?% autonomous\.$/,
    );
  });

  it('czar doctor says when gh is not logged in, and when it is missing', async () => {
    const { fx, env } = await finishedFleet({ when: 'verified' });
    const loggedOut = await czar(['doctor', '-c', fx.configFile], {
      cwd: fx.root,
      env: { ...env, GH_STANDIN_AUTH: 'no' },
    });
    expect(loggedOut.stdout).toContain(
      '✗ gh is not logged in ("gh auth status" fails); run "gh auth login", then czar doctor again',
    );
    expect(loggedOut.exitCode).toBe(1);
    const loggedIn = await czar(['doctor', '-c', fx.configFile], { cwd: fx.root, env });
    expect(loggedIn.stdout).toMatch(/✓ gh .*fixtures\/bin\/gh: logged in/);
    const missing = await czar(['doctor', '-c', fx.configFile], {
      cwd: fx.root,
      env: { PATH: path.dirname(process.execPath) + path.delimiter + '/usr/bin:/bin' },
    });
    expect(missing.stdout).toMatch(/✗ gh \(GitHub CLI\) not found on PATH, and pr.when in .*czar.yaml needs it/);
  });
});
