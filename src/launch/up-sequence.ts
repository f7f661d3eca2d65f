import path from 'node:path';
import { modifiedAt } from '../adapters/file-system.js';
import { keepFleetDoor } from '../adapters/fleet-door.js';
import * as git from '../adapters/git.js';
import { acquireLock, liveLockHolder } from '../adapters/lock-file.js';
import { czarCommand } from '../adapters/package-files.js';
import { CzarError } from '../domain/model/errors.js';
import { CZAR_SESSION } from '../domain/model/paths.js';
import type { FleetStatus } from '../domain/status/status-schema.js';
import { readJson } from '../adapters/state-files.js';
import type { Fleet } from '../fleet/handle.js';
import { handOverFreshWorktrees, LAUNCH_ID_VARIABLE, type FreshWorktrees } from '../fleet/fresh-worktrees.js';
import { boxesOf } from './launch-boxes.js';
import { gatherFacts } from './launch-facts.js';
import { prepareStateDir, stopDroppedWorkers } from './launcher.js';
import { launchWave } from './wave.js';
import { describePlan, planLaunch, type LaunchFacts, type LaunchPlan } from './plan.js';
import { editedTaskNotes, uncommittedNote } from './up-notes.js';
import { initialPrompt } from './prompts.js';
import { askCzar, liveCzarPid, waitForCzar } from '../fleet/requests.js';
import { lastLaunch, markLaunch } from '../fleet/last-launch.js';

/** Where the launch tells the person what it does: the CLI prints notes on stdout and warnings on stderr. */
export interface LaunchOutput {
  note(line: string): void;
  warn(line: string): void;
}

/** Tests and callers that watch the event log instead. */
const QUIET: LaunchOutput = { note: () => undefined, warn: () => undefined };

/** Everything `up` does before it hands over to the czar: check, plan, launch the first wave, start the czar. */
export async function launch(
  fleet: Fleet,
  options: { fetch: boolean; dryRun: boolean; redeliver?: boolean; saveChoices?: () => Promise<void> },
  say: LaunchOutput = QUIET,
): Promise<number> {
  const { config } = fleet;
  const [launchingBefore, launchBefore] = await Promise.all([
    liveLockHolder(fleet.paths.upLock),
    lastLaunch(fleet.paths),
  ]);
  // The box engine's trial run (two processes, once per launch) goes on while git is asked about the repository.
  const [facts, repo, boxes] = await Promise.all([
    gatherFacts(fleet),
    options.dryRun ? undefined : readRepoState(fleet),
    boxesOf(config.workers),
  ]);
  const plan = planLaunch(config, facts, options);
  if (options.dryRun || repo === undefined) {
    for (const line of describePlan(config, plan)) say.note(line);
    for (const line of boxes.lines) say.note(`  ${line}`);
    return plan.problems.length === 0 && boxes.refused === undefined ? 0 : 1;
  }
  if (boxes.refused !== undefined) throw new CzarError('sandbox_unavailable', boxes.refused);
  // Problems seen while another up launches may be its half-made steps (a worktree folder git does not list yet):
  // the plan made under the lock decides then. Otherwise bad input is refused before anything is written.
  if (
    plan.problems.length > 0 &&
    launchingBefore === undefined &&
    (await liveLockHolder(fleet.paths.upLock)) === undefined
  ) {
    throw new CzarError('launch_blocked', plan.problems[0] ?? 'the launch is blocked', {
      details: plan.problems.slice(1),
    });
  }
  await prepareStateDir(fleet);
  // The boxes' network door (a node start) gets going while the launch plans and makes the first repositories. A
  // start that fails here is tried again, and said, as each boxed worker's door entry waits for it.
  if (boxes.doorNeeded) keepFleetDoor(fleet.paths.root).catch(() => undefined);
  await options.saveChoices?.();
  // Two launches at once would both add the same worktrees and paste the same tasks: the second waits, then adopts.
  const release = await acquireLock(fleet.paths.upLock, {
    timeoutMs: 120_000,
    what: 'Another "czar up"',
    onWait: (holder) => say.note(`waiting for another "czar up" (pid ${holder.pid}, since ${holder.since}) to finish`),
  });
  // A launch sends hundreds of commands: down one control connection per server rather than a process each.
  fleet.tmux.useControl();
  fleet.hosts.useControl();
  try {
    const before = launchingBefore === undefined ? { facts, repo, launch: launchBefore } : undefined;
    return await launchLocked(fleet, options, say, before);
  } finally {
    await release();
  }
}

async function launchLocked(
  fleet: Fleet,
  options: { fetch: boolean; redeliver?: boolean },
  say: LaunchOutput,
  before: { facts: LaunchFacts; repo: RepoState; launch: string | undefined } | undefined,
): Promise<number> {
  const { config } = fleet;
  const way = await makeWayForLaunch(fleet, say);
  if (way === 'czar supervises') return 0;
  const replaced = await markLaunch(fleet.paths);
  // What was read before the lock still holds when no launch took the lock since and no czar ran in between (a
  // czar makes worktrees and sessions of its own).
  const [factsNow, { behind, dirty }] =
    before !== undefined && way === 'no czar' && replaced === before.launch
      ? [before.facts, before.repo]
      : await Promise.all([gatherFacts(fleet), readRepoState(fleet)]);
  let facts = factsNow;
  let plan = planLaunch(config, facts, options);
  if (plan.problems.length > 0) {
    throw new CzarError('launch_blocked', plan.problems[0] ?? 'the launch is blocked', {
      details: plan.problems.slice(1),
    });
  }
  for (const note of editedTasks(fleet, plan, facts.records)) say.note(note);
  if (behind !== undefined && behind > 0) {
    if (options.fetch) {
      await git.fetchBase(config.repo, config.base);
      await fleet.log.emit('base_updated', `fast-forwarded ${config.base} by ${behind} commit(s) from its upstream`);
      facts = await gatherFacts(fleet);
      plan = planLaunch(config, facts, options);
    } else {
      say.warn(
        `czar: warning: base "${config.base}" is ${behind} commit(s) behind its upstream; worktrees cut from it would revert others' work in their diffs; run "czar up --fetch" to update it first.`,
      );
    }
  }
  const configPath = path.relative(config.repo, config.file);
  const uncommitted = uncommittedNote({
    repo: config.repo,
    base: config.base,
    tips: facts.branches,
    dirty,
    configPath: configPath.startsWith('..') || path.isAbsolute(configPath) ? undefined : configPath,
    steps: plan.workers.map((step) => ({
      worker: step.worker.name,
      branch: step.worker.branch,
      worktree: step.worktree,
    })),
  });
  if (uncommitted !== undefined) say.note(uncommitted);
  for (const line of await stopDroppedWorkers(fleet, facts.sessions)) say.note(line);
  const now = plan.workers.filter((step) => step.wave === 'now');
  for (const step of plan.workers.filter((candidate) => candidate.wave === 'queued')) {
    await fleet.log.emit('queued', `queued: ${step.queuedBecause ?? ''}`, step.worker.name);
  }
  const wave = await launchWave(fleet, now, (worker, step) =>
    initialPrompt(fleet.config, worker, [], step.worktree === 'create-branch'),
  );
  await startCzar(fleet, wave.fresh);
  for (const failure of wave.failed) {
    const reason = failure.error instanceof Error ? failure.error.message : String(failure.error);
    // Most reasons name the worker already: then they are the one sentence said.
    say.warn(
      `czar: ${reason.includes(`"${failure.worker}"`) ? reason : `Worker "${failure.worker}" did not start: ${reason}`}`,
    );
  }
  return wave.failed.length === 0 ? 0 : 1;
}

/** How the base stands against its upstream, and what the repository's own checkout has uncommitted. */
interface RepoState {
  readonly behind: number | undefined;
  readonly dirty: readonly string[];
}

async function readRepoState(fleet: Fleet): Promise<RepoState> {
  const [behind, dirty] = await Promise.all([
    git.behindUpstream(fleet.config.repo, fleet.config.base),
    git.dirtyPaths(fleet.config.repo),
  ]);
  return { behind, dirty };
}

/** Notes for adopted workers whose task in the config changed after it was delivered (`up` never pastes twice). */
function editedTasks(fleet: Fleet, plan: LaunchPlan, records: LaunchFacts['records']): string[] {
  return editedTaskNotes({
    configFile: path.basename(fleet.config.file),
    workers: plan.workers.map((step) => ({
      name: step.worker.name,
      task: step.worker.task,
      delivered: step.delivery === 'skip',
      deliveredDigest: records.get(step.worker.name)?.taskDigest,
    })),
  });
}

/**
 * Workers the plan would start now that have no session at all (an earlier launch of theirs did not finish), and
 * those whose worktree folder was deleted (made again, and the agent started there).
 */
function notStarted(plan: LaunchPlan): { sessions: string[]; worktrees: string[] } {
  const now = plan.workers.filter((step) => step.wave === 'now' && step.problem === undefined);
  return {
    sessions: now.filter((step) => step.session === 'create').map((step) => step.worker.name),
    worktrees: now.filter((step) => step.worktree === 'recreate').map((step) => step.worker.name),
  };
}

/**
 * A running czar owns its fleet: `up` with the same config only adopts (launching beside it could paste a task
 * twice). When the config changed since that czar started, or a worker it should run has no session (its launch
 * failed half-way), it is stopped first, and `up` launches what is missing and starts a czar again. Says whether
 * there was a czar, and whether it goes on supervising (then there is nothing for `up` to do).
 */
async function makeWayForLaunch(
  fleet: Fleet,
  say: LaunchOutput,
): Promise<'no czar' | 'czar stopped' | 'czar supervises'> {
  const pid = await liveCzarPid(fleet.paths);
  if (pid === undefined) return 'no czar';
  const [configAt, czarAt] = await Promise.all([modifiedAt(fleet.config.file), modifiedAt(fleet.paths.supervisorLock)]);
  // A config whose time did not move (copied with its time kept) may still name another base than the czar's.
  const czarBase = (await readJson<Pick<FleetStatus, 'base'>>(fleet.paths.status))?.base;
  const otherBase = czarBase !== undefined && czarBase !== fleet.config.base;
  const changed = (configAt ?? 0) > (czarAt ?? 0) || otherBase;
  const missing = changed
    ? { sessions: [], worktrees: [] }
    : notStarted(planLaunch(fleet.config, await gatherFacts(fleet)));
  if (!changed && missing.sessions.length === 0 && missing.worktrees.length === 0) {
    say.note(`the fleet is up: the czar (pid ${pid}) supervises it; watch it with "czar dashboard"`);
    return 'czar supervises';
  }
  const why = otherBase
    ? `the czar supervises base "${czarBase}" but ${fleet.config.file} names "${fleet.config.base}"; restarting the czar with it`
    : changed
      ? `${fleet.config.file} changed since the czar started; restarting the czar with it`
      : missing.sessions.length > 0
        ? `worker(s) ${missing.sessions.join(', ')} have no session (a launch that did not finish); stopping the czar to launch them, then starting it again`
        : `the worktree folder of worker(s) ${missing.worktrees.join(', ')} is gone; stopping the czar to make it again on its branch and start the agent there, then starting the czar again`;
  await fleet.log.emit('czar_reload', why);
  await askCzar(fleet.paths, { kind: 'stop' });
  const deadline = Date.now() + 15_000;
  while ((await liveCzarPid(fleet.paths)) !== undefined) {
    if (Date.now() > deadline)
      throw new CzarError(
        'czar_stuck',
        `The czar (pid ${pid}) did not stop within 15 s; stop it with "czar attach czar" and Ctrl-C, then run "czar up" again.`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return 'czar stopped';
}

/**
 * The czar's V8 heap for a fleet of this size. Up to 100 workers the young generation starts at 1 MB and may grow to
 * 4: a quiet pass allocates about 7 KB a worker, but a fleet of 50 on one file holds 98 alerts a worker and writes
 * 1.3 MB of status.json a pass, and with V8's size-over-speed mode (its young generation capped at 1 MB) garbage
 * collection took a quarter of the czar's CPU there and most of a done report's wait for its bonus task; the 4 MB cost
 * 6 MB of peak RSS with 20 quiet workers. In larger fleets a 1 MB young generation is collected several times a pass
 * and promotes what the pass still holds: at 500 workers six collections a report, a full one every 15, 30 % of the
 * czar's CPU and most of the report latency's tail. There the young generation holds about two passes, and the old
 * generation grows by half before a full collection (V8's default lets it reach 200 MB). A quiet czar looks idle to
 * V8, whose memory reducer then ran two full collections a minute to shrink a heap the next pass grows again: a third
 * to a half of the quiet czar's CPU at 500 workers, for no lower peak.
 */
export function czarHeapFlags(workers: number): string[] {
  if (workers <= 100) return ['--max-semi-space-size=4'];
  const semiSpaceMb = Math.min(8, Math.ceil(workers / 64));
  return [
    `--min-semi-space-size=${semiSpaceMb}`,
    `--max-semi-space-size=${semiSpaceMb}`,
    '--heap-growing-percent=50',
    '--no-memory-reducer',
  ];
}

/**
 * Starts the czar unless one is running (a second czar on the same fleet would double every action), handing it the
 * worktrees the launch has just made (`fresh`): its first look then asks git only about the others.
 */
export async function startCzar(fleet: Fleet, fresh: FreshWorktrees = new Map()): Promise<void> {
  const cwd = path.dirname(fleet.config.file);
  const [node = process.execPath, ...rest] = czarCommand();
  const heap = czarHeapFlags(fleet.config.workers.length);
  const argv = [node, ...heap, ...rest, 'supervise', '-c', fleet.config.file];
  if ((await liveCzarPid(fleet.paths)) !== undefined) return;
  const env = {
    CZAR_CONFIG: fleet.config.file,
    ...(fresh.size === 0 ? {} : { [LAUNCH_ID_VARIABLE]: await handOverFreshWorktrees(fleet.paths, fresh) }),
  };
  // remain-on-exit keeps a dead czar's session, and a czar that just stopped may still be exiting in it: start the
  // czar again in that pane (respawn kills what is left) rather than leave the fleet unsupervised.
  const pane = (await fleet.tmux.listPanes()).find((info) => info.session === CZAR_SESSION);
  if (pane !== undefined) await fleet.tmux.respawnPane(pane.paneId, cwd, argv, env);
  else await fleet.tmux.newSession({ name: CZAR_SESSION, cwd, argv, env });
  // Returning earlier would let "czar send" right after "up --detach" find no czar.
  await waitForCzar(fleet.paths, async () =>
    (await fleet.tmux.listPanes()).some((info) => info.session === CZAR_SESSION && info.dead),
  );
  await fleet.log.emit(
    'czar_started',
    `the czar runs in tmux session "${CZAR_SESSION}" on server "${fleet.config.tmuxSocket}"`,
  );
}
