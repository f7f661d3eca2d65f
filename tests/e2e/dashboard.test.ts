/**
 * The real dashboard (`czar dashboard`) on a real simulated fleet, driven through a terminal: a pane of a separate
 * private tmux server plays the person's terminal, send-keys types, capture-pane reads the screen.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { CZAR_BIN, czar, uniqueProject, workerEnv, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const WIDTH = 100;
const HEIGHT = 30;

/** A fleet that stays put: no bonus, nudge or restart by itself while the test looks at it. */
function fleetYaml(): string {
  return [
    'repo: repo',
    'agent: sim',
    'policy:',
    '  bonus: off',
    '  idle_after: 10m',
    '  stuck_after: 20m',
    '  restart: { max: 0 }',
    'workers:',
    '  - name: alpha',
    '    task: |',
    '      Build alpha.',
    '      @sim report working 40 halfway there',
    '      @sim work 600 the long part',
    '  - name: beta',
    '    task: |',
    '      Build beta.',
    '      @sim report working 10 starting',
    '      @sim hang',
    'bonus:',
    '  - name: polish',
    '    task: |',
    '      Polish everything.',
    '      @sim quiet',
    '',
  ].join('\n');
}

interface Fleet {
  readonly root: string;
  readonly config: string;
  readonly tmux: Tmux;
  readonly project: string;
}

async function launchFleet(env: Record<string, string> = {}): Promise<Fleet> {
  const { root } = await tempRepo();
  const project = uniqueProject();
  const config = await writeFleetConfig(root, project, fleetYaml());
  const up = await czar(['up', '--detach', '-c', config], { cwd: root, env });
  expect(up.exitCode, up.stderr).toBe(0);
  return { root, config, tmux: new Tmux(`czar-${project}`), project };
}

/** The argv of a dashboard as a person starts it outside tmux (no TMUX, a common terminal type). */
function dashboardArgv(config: string): string[] {
  return [
    'env',
    '-u',
    'TMUX',
    '-u',
    'TMUX_PANE',
    'TERM=xterm-256color',
    process.execPath,
    CZAR_BIN,
    'dashboard',
    '-c',
    config,
  ];
}

async function status(fleet: Fleet): Promise<FleetStatus> {
  return JSON.parse(await readFile(path.join(fleet.root, '.czar', 'status.json'), 'utf8')) as FleetStatus;
}

/** Polls a pane's screen until `match` holds; the failure shows the last screen. */
async function screenShows(
  tmux: Tmux,
  paneId: string,
  match: (screen: string) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      async () => {
        last = await tmux.capture(paneId);
        return match(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 100, what },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- screen ---\n${last}`);
  }
}

/**
 * The person's terminal: a separate private server whose prefix is Ctrl-a, so Ctrl-b reaches the fleet's tmux
 * client running inside it.
 */
async function personTerminal(cwd: string, argv: readonly string[]): Promise<{ term: Tmux; pane: string }> {
  const term = privateTmux();
  const pane = await term.newSession({ name: 'person', cwd, argv, width: WIDTH, height: HEIGHT });
  await term.chain([
    ['set-option', '-g', 'prefix', 'C-a'],
    ['set-option', '-g', 'prefix2', 'None'],
  ]);
  return { term, pane };
}

/** Which session each terminal client of a tmux server shows (the czar's own control-mode client is not one). */
async function clientSessions(tmux: Tmux): Promise<string[]> {
  const result = await tmux.cmd(['list-clients', '-F', '#{?client_control_mode,,#{client_session}}'], {
    allowFailure: true,
  });
  return result.stdout.split('\n').filter((line) => line !== '');
}

/** The screen line that shows a worker's row (its name at the start of a table cell). */
function rowOf(screen: string, worker: string): string {
  return screen.split('\n').find((line) => new RegExp(`(^|\\s|›|>)${worker}\\s`).test(line)) ?? '';
}

describe('czar dashboard in a real terminal', () => {
  test('shows every worker with its state, follows a report, and b hands out the bonus task', async () => {
    const fleet = await launchFleet();
    const { term, pane } = await personTerminal(fleet.root, dashboardArgv(fleet.config));

    // Both report working and then stay put: alpha in a long turn, beta hung (no more reports of its own).
    await screenShows(
      term,
      pane,
      (screen) => /working .* 40%/.test(rowOf(screen, 'alpha')) && /working .* 10%/.test(rowOf(screen, 'beta')),
      'alpha at 40% and beta at 10%, both working',
    );

    // As beta's agent would: a commit, then the report from its worktree with the proof its session was given. With
    // no commit, czar would nudge it for evidence, and a worker with czar's message on its way shows as working.
    const betaTree = path.join(fleet.root, 'repo-workers', 'beta');
    await writeFile(path.join(betaTree, 'beta.txt'), 'beta\n');
    await gitIn(betaTree, ['add', 'beta.txt']);
    await gitIn(betaTree, ['commit', '-m', 'beta: shipped']);
    const report = await czar(['report', '--state', 'done', '--note', 'beta shipped'], {
      cwd: betaTree,
      env: await workerEnv(fleet.project, path.join(fleet.root, '.czar'), 'beta'),
    });
    expect(report.exitCode, report.stderr).toBe(0);
    await screenShows(
      term,
      pane,
      (screen) => /\bdone\b/.test(rowOf(screen, 'beta')),
      'beta done on the dashboard',
      5_000,
    );

    // A working worker gets the bonus only after a yes; no keeps the queue as it was.
    await term.sendKeys(pane, ['b']);
    await screenShows(
      term,
      pane,
      (screen) => screen.includes('alpha is working; give it the next bonus task anyway? (y/n)'),
      'the question for alpha',
    );
    await term.sendKeys(pane, ['n']);
    await screenShows(
      term,
      pane,
      (screen) => !screen.includes('(y/n)') && /queue 1/.test(screen),
      'the question gone, the queue kept',
    );

    // Select beta (the second row) and ask for the bonus; a done worker gets it without a question.
    await term.sendKeys(pane, ['j']);
    await screenShows(term, pane, (screen) => /›\s*beta\b/.test(screen), 'beta selected');
    await term.sendKeys(pane, ['b']);
    await screenShows(
      term,
      pane,
      (screen) => /gave bonus task .*polish/.test(screen) && /queue 0/.test(screen),
      'the bonus in the event feed, the queue empty',
    );
    const beta = (await status(fleet)).workers.find((worker) => worker.name === 'beta');
    expect(beta?.tasks).toContain('polish');
  }, 60_000);

  test("inside the fleet's own tmux server, a switches the client to the worker and Ctrl-b L comes back to the dashboard", async () => {
    const fleet = await launchFleet();
    // The person's dashboard runs in a session of the fleet's server; their terminal is a client of that server.
    await fleet.tmux.newSession({
      name: 'dash',
      cwd: fleet.root,
      argv: ['env', 'TERM=xterm-256color', process.execPath, CZAR_BIN, 'dashboard', '-c', fleet.config],
      width: WIDTH,
      height: HEIGHT,
    });
    const { term, pane } = await personTerminal(fleet.root, [
      'env',
      '-u',
      'TMUX',
      '-u',
      'TMUX_PANE',
      'tmux',
      '-L',
      fleet.tmux.socket,
      'attach-session',
      '-t',
      '=dash',
    ]);
    await screenShows(
      term,
      pane,
      (screen) => /working .* 40%/.test(rowOf(screen, 'alpha')),
      'the dashboard through the client',
    );

    await term.sendKeys(pane, ['a']);
    await screenShows(
      term,
      pane,
      (screen) => screen.includes("I'll work on the long part") && !screen.includes('⏎ attach'),
      "alpha's agent screen in the client",
    );
    expect(await clientSessions(fleet.tmux)).toEqual(['alpha']);

    // tmux's "last session" key: the dashboard stayed mounted in its own session and is there, drawn, on return.
    await term.sendKeys(pane, ['C-b', 'L']);
    const back = await screenShows(
      term,
      pane,
      (screen) => screen.includes('⏎ attach') && rowOf(screen, 'beta') !== '',
      'the dashboard again',
    );
    expect(await clientSessions(fleet.tmux)).toEqual(['dash']);
    // Keys reach the dashboard again: the selection moves.
    expect(back).toMatch(/›\s*alpha\b/);
    await term.sendKeys(pane, ['j']);
    await screenShows(term, pane, (screen) => /›\s*beta\b/.test(screen), 'beta selected after coming back');
  }, 60_000);

  test('outside tmux, a attaches the terminal to the worker and detaching brings the dashboard back', async () => {
    const fleet = await launchFleet();
    const { term, pane } = await personTerminal(fleet.root, dashboardArgv(fleet.config));
    await screenShows(term, pane, (screen) => /working .* 40%/.test(rowOf(screen, 'alpha')), 'the dashboard');

    // Several times: tmux's start-up queries and their answers go through the same terminal each time.
    for (let round = 1; round <= 3; round++) {
      await term.sendKeys(pane, ['a']);
      await screenShows(
        term,
        pane,
        (screen) => screen.includes("I'll work on the long part") && !screen.includes('⏎ attach'),
        `alpha's agent screen (round ${round})`,
      );
      expect(await clientSessions(fleet.tmux)).toEqual(['alpha']);
      // The fleet server's detach key reaches the nested client (the person's terminal uses Ctrl-a).
      await term.sendKeys(pane, ['C-b', 'd']);
      await screenShows(
        term,
        pane,
        (screen) => screen.includes('⏎ attach') && screen.includes('Back from alpha.'),
        `the dashboard again (round ${round})`,
      );
      expect(await clientSessions(fleet.tmux)).toEqual([]);
    }
    // Keys reach the dashboard again, and nothing meant for tmux reached it as keys before them: the terminal's
    // answer to tmux's version query (ESC P >|tmux 3.3a ESC \\) once arrived as `P` and paused the fleet.
    await term.sendKeys(pane, ['j']);
    // The whole frame: a capture can land while the dashboard is still drawing it, its top new and its foot not yet.
    const last = await screenShows(
      term,
      pane,
      (screen) => /›\s*beta\b/.test(screen) && screen.includes('⏎ attach'),
      'beta selected after coming back',
    );
    expect(last).toContain('Back from alpha.');
    expect(last).toContain('autonomy on');
    expect(await readFile(path.join(fleet.root, '.czar', 'events.jsonl'), 'utf8')).not.toMatch(/autonomy paused/);

    // A worker whose session is gone (and is not restarted): the attach fails and the dashboard says so.
    await fleet.tmux.killSession('beta');
    await term.sendKeys(pane, ['a']);
    await screenShows(
      term,
      pane,
      (screen) => screen.includes('⏎ attach') && /could not attach to beta/.test(screen),
      'the failed attach on the status line',
    );
  }, 60_000);

  test('--all shows every running fleet of this user, f moving to the next', async () => {
    // A registry of this test's own, so the fleets of tests running beside it are not in the cycle.
    const stateHome = await mkdtemp(path.join(tmpdir(), 'czar-all-'));
    try {
      const env = { XDG_STATE_HOME: stateHome };
      const [one, two] = await Promise.all([launchFleet(env), launchFleet(env)]);
      const argv = dashboardArgv(one.config);
      const withState = [...argv.slice(0, 5), `XDG_STATE_HOME=${stateHome}`, ...argv.slice(5, -2), '--all'];
      const { term, pane } = await personTerminal(one.root, withState);
      const onScreen = (screen: string): Fleet | undefined =>
        [one, two].find((fleet) => screen.includes(fleet.project));
      const first = onScreen(
        await screenShows(term, pane, (text) => onScreen(text) !== undefined, 'one of the two fleets', 30_000),
      );
      const other = first === one ? two : one;
      await term.sendKeys(pane, ['f']);
      await screenShows(term, pane, (text) => text.includes(other.project), `f moving on to ${other.project}`);
      await term.sendKeys(pane, ['f']);
      await screenShows(term, pane, (text) => text.includes(first?.project ?? ''), 'f coming back to the first');
      await term.sendKeys(pane, ['q']);
    } finally {
      await rm(stateHome, { recursive: true, force: true });
    }
  }, 90_000);
});
