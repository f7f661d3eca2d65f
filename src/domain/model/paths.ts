import path from 'node:path';

/** The tmux session the czar itself runs in, on the fleet's server; no worker may take this name. */
export const CZAR_SESSION = 'czar';

/**
 * Where everything lives under the state dir (`.czar/` beside the config). One place, so the supervisor, the CLI,
 * the hooks and the dashboard agree.
 */
export interface StatePaths {
  readonly root: string;
  /** The fleet file: written only by the czar. */
  readonly status: string;
  /** Append-only log of transitions and actions. */
  readonly events: string;
  /** Per worker its latest report (`<worker>.json`) and all of them in order (`<worker>.jsonl`), written by `czar report`. */
  readonly reports: string;
  readonly results: string;
  /** pipe-pane output, one file per worker. */
  readonly logs: string;
  /** Launch records (pane id, delivery) per worker: what `up` needs to adopt a running fleet. */
  readonly workers: string;
  /** Requests from the CLI or dashboard to the running czar (bonus now, pause, restart). */
  readonly requests: string;
  /** Check output, `<worker>/<sha>.log`. */
  readonly checks: string;
  /** Detached worktrees czar owns, one per worker, where its checks run (reused from commit to commit). */
  readonly checkouts: string;
  /** czar's integration worktree, record, lock and check logs. */
  readonly integration: string;
  /** The sprint's handoff report. */
  readonly handoff: string;
  readonly supervisorLock: string;
  /** The czar's memory and queue across its restarts. */
  readonly czarState: string;
  /** The worktrees a launch made, handed to the czar it starts so that its first look need not ask git of them. */
  readonly freshWorktrees: string;
  /** Touched by tmux hooks (pane-died) to wake the czar. */
  readonly signals: string;
  /** Held by one `czar up` at a time for this state dir. */
  readonly upLock: string;
  /** A new value from each `czar up` that takes the up lock: another launch in between shows as a change. */
  readonly lastLaunch: string;
  /** What czar made (branches, worktrees), one JSON line each: all that `down --purge` may remove. */
  readonly created: string;
}

export function statePaths(root: string): StatePaths {
  return {
    root,
    status: path.join(root, 'status.json'),
    events: path.join(root, 'events.jsonl'),
    reports: path.join(root, 'reports'),
    results: path.join(root, 'results'),
    logs: path.join(root, 'logs'),
    workers: path.join(root, 'workers'),
    requests: path.join(root, 'requests'),
    checks: path.join(root, 'checks'),
    checkouts: path.join(root, 'checkouts'),
    integration: path.join(root, 'integration'),
    handoff: path.join(root, 'HANDOFF.md'),
    supervisorLock: path.join(root, 'supervisor.pid'),
    czarState: path.join(root, 'czar-state.json'),
    freshWorktrees: path.join(root, 'fresh-worktrees.json'),
    signals: path.join(root, 'signals'),
    upLock: path.join(root, 'up.lock'),
    lastLaunch: path.join(root, 'last-launch'),
    created: path.join(root, 'created.jsonl'),
  };
}

/** Everything in the state dir that czar writes and a finished sprint leaves behind (not the lock of a running up). */
export function sprintState(paths: StatePaths): string[] {
  return [
    paths.status,
    paths.events,
    paths.reports,
    paths.results,
    paths.logs,
    paths.workers,
    paths.requests,
    paths.supervisorLock,
    paths.created,
    paths.czarState,
    paths.freshWorktrees,
    paths.lastLaunch,
    paths.signals,
    paths.checks,
    paths.checkouts,
    path.join(paths.root, 'reviews'),
    paths.integration,
    paths.handoff,
    childrenFolder(paths),
    path.join(paths.root, 'routes.json'),
    path.join(paths.root, 'lessons.json'),
  ];
}

/** Where czar keeps its integration worktree, record, lock and check logs. */
export function integrationFiles(paths: StatePaths): {
  dir: string;
  worktree: string;
  record: string;
  lock: string;
  logs: string;
  checkRun: string;
} {
  const dir = paths.integration;
  return {
    dir,
    worktree: path.join(dir, 'worktree'),
    record: path.join(dir, 'integration.json'),
    lock: path.join(dir, 'lock'),
    logs: path.join(dir, 'checks'),
    checkRun: path.join(dir, 'check-run.json'),
  };
}

export function reportFile(paths: StatePaths, worker: string): string {
  return path.join(paths.reports, `${worker}.json`);
}

/** Every report of a worker, one JSON line each, appended in order: the czar reads each one, none coalesced. */
export function reportStream(paths: StatePaths, worker: string): string {
  return path.join(paths.reports, `${worker}.jsonl`);
}

export function logFile(paths: StatePaths, worker: string): string {
  return path.join(paths.logs, `${worker}.log`);
}

export function checkLogFile(paths: StatePaths, worker: string, sha: string): string {
  return path.join(paths.checks, worker, `${sha}.log`);
}

/** Each check's verdict per commit of one worker, kept so a restarted czar does not judge a commit again. */
export function checkVerdictsFile(paths: StatePaths, worker: string): string {
  return path.join(paths.checks, worker, 'verdicts.json');
}

/** A worker's reviews: `<sha>.prompt.md`, `<sha>.out.txt`, `<sha>.verdict.json`, and `verdicts.json` kept across restarts. */
export function reviewDir(paths: StatePaths, worker: string): string {
  return path.join(paths.root, 'reviews', worker);
}

/** The detached checkout a worker's reviewer reads (apart from the checks' one, which a newer commit may move). */
export function reviewCheckout(paths: StatePaths, worker: string): string {
  return path.join(paths.checkouts, '.review', worker);
}

/** The worker's check run in progress, recorded so a czar killed mid-check leaves no orphan to the next one. */
/** The reviewer running for a worker, on record while it runs so a czar started after a crash can stop it. */
export function reviewRunFile(paths: StatePaths, worker: string): string {
  return path.join(reviewDir(paths, worker), 'run.json');
}

export function checkRunFile(paths: StatePaths, worker: string): string {
  return path.join(paths.checks, worker, 'run.json');
}

/** The digest of the proof the worker's running agent was given (see adapters/worker-proof.ts). */
export function proofFile(paths: StatePaths, worker: string): string {
  return path.join(paths.workers, `${worker}.proof`);
}

/** Where the specs of spawned workers (`czar spawn`) are kept, one `<name>.json` each. */
export function childrenFolder(paths: StatePaths): string {
  return path.join(paths.root, 'children');
}

export function childRecordFile(paths: StatePaths, worker: string): string {
  return path.join(childrenFolder(paths), `${worker}.json`);
}

export function launchRecordFile(paths: StatePaths, worker: string): string {
  return path.join(paths.workers, `${worker}.json`);
}

/** Whether two absolute paths name the same folder, ignoring trailing slashes (git prints none, configs may). */
export function samePath(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** The view of the fleet czar keeps in a boxed worker's door (see `door-view.ts`), where the box sees it. */
export function doorViewFile(stateDir: string): string {
  return path.join(stateDir, 'view.json');
}
