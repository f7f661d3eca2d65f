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
  /** One file per worker, written only by that worker (`czar report`). */
  readonly reports: string;
  readonly results: string;
  /** pipe-pane output, one file per worker. */
  readonly logs: string;
  /** Launch records (pane id, delivery) per worker: what `up` needs to adopt a running fleet. */
  readonly workers: string;
  /** Requests from the CLI or dashboard to the running czar (bonus now, pause, restart). */
  readonly requests: string;
  readonly supervisorLock: string;
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
    supervisorLock: path.join(root, 'supervisor.pid'),
  };
}

export function reportFile(paths: StatePaths, worker: string): string {
  return path.join(paths.reports, `${worker}.json`);
}

export function logFile(paths: StatePaths, worker: string): string {
  return path.join(paths.logs, `${worker}.log`);
}

export function launchRecordFile(paths: StatePaths, worker: string): string {
  return path.join(paths.workers, `${worker}.json`);
}
