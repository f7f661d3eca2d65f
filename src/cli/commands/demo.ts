import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  listFolder,
  makeFolder,
  makeTempFolder,
  pathKind,
  removeTree,
  writeTextFile,
} from '../../adapters/file-system.js';
import { findBoxEngine } from '../../adapters/box-engine.js';
import { removePrivateAgentFiles } from '../../adapters/private-files.js';
import { stopFleetDoor } from '../../adapters/fleet-door.js';
import { git } from '../../adapters/git.js';
import { readJson } from '../../adapters/state-files.js';
import { loadConfig } from '../../config/load.js';
import { DEMO_FILES, demoConfig } from '../../demo/scenario.js';
import { CzarError } from '../../domain/model/errors.js';
import type { FleetStatus } from '../../domain/status/status-schema.js';
import { handoffFile } from '../../integration/handoff.js';
import { openFleet } from '../../fleet/handle.js';
import { stopFleetServer } from '../../fleet/server-stop.js';
import { launch } from '../../launch/up-sequence.js';
import { parse, type Command } from '../command.js';
import { err, formatEvent, out, outRow } from '../output.js';
import { onTerminalGone, waitForExit } from '../hang-up.js';
import { followUntilSprintOver, showDashboard } from '../follow.js';

/** How long a hang-up waits for a launch under way to stop, at most (a launch of the demo takes seconds). */
const LAUNCH_STOP_MS = 10_000;

/** Minutes the demo may take before it counts as failed (it needs about one). */
const DEMO_TIMEOUT_MS = 4 * 60_000;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'run a one-minute sprint of simulated agents on a throwaway repository',
  usage: 'czar demo [--dir DIR]',
  async run(args) {
    const { values } = parse(this, args, { dir: { type: 'string' } }, 0);
    const created = values.dir === undefined;
    const root = created ? await makeTempFolder('czar-demo-') : await emptyFolder(path.resolve(values.dir as string));
    // The demo's simulated outcomes and lessons are kept in its own folder, not in the person's record, where they
    // would show as an agent of theirs in "czar stats agents". Set before any process is started: czar reads its
    // environment once.
    process.env.CZAR_LEARN_DIR = path.join(root, 'record');
    // Its own project name, so two demos at once get two tmux servers (czar-demo-<hex>).
    const configFile = await createDemo(root, `demo-${randomBytes(4).toString('hex')}`);
    const interactive = process.stdout.isTTY && process.stdin.isTTY;
    const fleet = openFleet(
      await loadConfig(configFile),
      interactive ? undefined : (event) => outRow(formatEvent(event)),
    );
    let launching: Promise<unknown> = Promise.resolve();
    // The demo's terminal closing ends the demo: its agents, its czar, the agent files its workers had in the person's
    // cache, and the throwaway repository it made.
    const forgetTerminal = onTerminalGone(async () => {
      const pids = (await fleet.tmux.listPanes()).map((pane) => pane.pid);
      await fleet.tmux.close();
      // A launch still going stops at its next tmux step; what it began meanwhile (git, the boxes' door) ends first,
      // or it would write into the folder as it goes.
      await Promise.race([launching.catch(() => undefined), sleep(LAUNCH_STOP_MS)]);
      // The czar writes its last status on its hang-up; let it finish before its folder goes. The boxes' network
      // door, a process outside the server, goes too.
      await Promise.all([waitForExit(pids, 5_000), stopFleetDoor(fleet.paths.root)]);
      await Promise.all([
        created ? removeTree(root) : undefined,
        removePrivateAgentFiles(fleet.config.project, fleet.paths.root),
      ]);
    });
    out(`czar demo in ${root}: 4 simulated workers, 2 bonus tasks, checks and an integration branch`);
    const engine = await findBoxEngine();
    out(
      engine.kind === 'bwrap'
        ? `each worker runs in a box of its own (${engine.version}): docs/sandbox.md`
        : `the workers run unboxed: ${engine.reason}`,
    );
    launching = launch(fleet, { fetch: false, dryRun: false }, { note: out, warn: err });
    await launching;
    if (interactive) {
      await showDashboard(fleet);
      forgetTerminal();
      out(`the demo fleet keeps running; stop it with: czar down -c ${configFile}`);
      return 0;
    }
    const over = await followUntilSprintOver(fleet, {
      printFrom: 'end',
      timeoutMs: DEMO_TIMEOUT_MS,
      untilHandoff: true,
    });
    forgetTerminal();
    const status = await readJson<FleetStatus>(fleet.paths.status);
    await stopFleetServer(fleet);
    // The repository stays for a look; its workers' agent files in the person's cache are czar's own and go.
    await removePrivateAgentFiles(fleet.config.project, fleet.paths.root);
    for (const worker of status?.workers ?? [])
      out(
        `  ${worker.name.padEnd(10)} ${worker.state.padEnd(8)} +${worker.git.commitsAhead} commits  tasks: ${worker.tasks.join(', ')}`,
      );
    if (!over)
      throw new CzarError(
        'demo_timeout',
        `The demo sprint did not finish within ${DEMO_TIMEOUT_MS / 60_000} minutes; see "czar log -c ${configFile}".`,
      );
    const integration = status?.integration;
    if (integration !== undefined)
      out(
        `  ${integration.branch} holds ${integration.holds.join(', ') || 'nothing'}${integration.leftOut.length === 0 ? '' : `; left out: ${integration.leftOut.map((entry) => entry.worker).join(', ')}`}`,
      );
    out(`sprint over; the demo repository stays in ${root}`);
    out(`handoff: ${handoffFile(fleet)}`);
    return 0;
  },
};

/** The demo writes czar.yaml and a repository: only into a folder that is new or empty, so it overwrites nothing. */
async function emptyFolder(dir: string): Promise<string> {
  const kind = await pathKind(dir);
  if (kind === 'other')
    throw new CzarError('usage', `--dir ${dir} is not a folder; give a new or empty folder for the demo.`);
  if (kind === 'folder' && (await listFolder(dir)).length > 0) {
    throw new CzarError(
      'usage',
      `--dir ${dir} is not empty; give a new or empty folder, so the demo cannot overwrite anything there.`,
    );
  }
  return dir;
}

/** A fresh shop repository with one commit, and the demo's czar.yaml beside it. */
async function createDemo(root: string, project: string): Promise<string> {
  const repo = path.join(root, 'shop');
  await makeFolder(repo);
  for (const [name, text] of Object.entries(DEMO_FILES)) {
    await makeFolder(path.dirname(path.join(repo, name)));
    await writeTextFile(path.join(repo, name), text);
  }
  const identity = ['-c', 'user.name=czar demo', '-c', 'user.email=demo@czar.invalid', '-c', 'commit.gpgsign=false'];
  await git(repo, ['init', '--quiet', '--initial-branch=main']);
  // The czar's merge commits into the integration branch need an identity, and a CI machine may have none.
  await git(repo, ['config', 'user.name', 'czar demo']);
  await git(repo, ['config', 'user.email', 'demo@czar.invalid']);
  await git(repo, ['add', '-A']);
  await git(repo, [...identity, 'commit', '--quiet', '-m', 'Initial shop']);
  const configFile = path.join(root, 'czar.yaml');
  await writeTextFile(configFile, demoConfig(project));
  return configFile;
}
