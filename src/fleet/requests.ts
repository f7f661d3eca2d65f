import { randomBytes } from 'node:crypto';
import { liveLockHolder } from '../adapters/lock-file.js';
import { processArgv, processRunning } from '../adapters/process-table.js';
import { listFolder, pathExists, removeFile } from '../adapters/file-system.js';
import path from 'node:path';
import { readJson, writeAtomic, writeJsonAtomic } from '../adapters/state-files.js';
import { doorViewFile } from '../domain/model/paths.js';
import { CzarError } from '../domain/model/errors.js';
import { visible } from '../domain/model/sanitize.js';
import type { CzarRequest, CzarRequestBody, CzarRequestResult } from '../domain/model/czar-request.js';
import type { StatePaths } from '../domain/model/paths.js';

/** How long after a launch ends its czar may take to run: as long as `up` itself waits for it. */
const CZAR_START_MS = 15_000;

/** The running czar's pid, or undefined when no czar process is alive for this state dir. */
export async function liveCzarPid(paths: StatePaths): Promise<number | undefined> {
  const lock = await readJson<{ pid: number }>(paths.supervisorLock);
  if (lock === undefined || !Number.isInteger(lock.pid)) return undefined;
  // A killed czar lingers as a zombie until its parent (the tmux server) reaps it: that is not a live czar.
  return (await processRunning(lock.pid)) ? lock.pid : undefined;
}

/**
 * The live czar of this state dir when it supervises exactly `configFile` (it was started as `czar supervise -c
 * <file>`, and checked at its start that the fleet's tmux server is its own): then what it wrote is this fleet's,
 * with no need to load the config or ask tmux again. Undefined for any doubt, so the caller takes the long way.
 */
export async function czarOfConfig(paths: StatePaths, configFile: string): Promise<number | undefined> {
  const pid = await liveCzarPid(paths);
  if (pid === undefined) return undefined;
  const argv = (await processArgv(pid)) ?? [];
  const supervise = argv.indexOf('supervise');
  return supervise >= 0 && argv[supervise + 1] === '-c' && argv[supervise + 2] === configFile ? pid : undefined;
}

/** How long a running czar may take over its first look at the fleet (every worker's git, pane and reports). */
const CZAR_FIRST_LOOK_MS = 120_000;

/**
 * Waits until a czar runs for this state dir and has finished its first pass (its status names its pid): from then
 * on its watchers are armed and a request is answered. `paneDied` tells a czar that exited from one still starting.
 * The czar has `startMs` to take its lock; once it runs, a loaded machine or a large fleet may make its first look
 * slow, which is waited out up to `firstLookMs` rather than taken for a czar that did not start.
 */
export async function waitForCzar(
  paths: StatePaths,
  paneDied: () => Promise<boolean>,
  { startMs = CZAR_START_MS, firstLookMs = CZAR_FIRST_LOOK_MS }: { startMs?: number; firstLookMs?: number } = {},
): Promise<number> {
  const started = Date.now();
  let runningSince: number | undefined;
  for (;;) {
    const pid = await liveCzarPid(paths);
    const status = await readJson<{ supervisor?: { pid?: unknown } }>(paths.status);
    if (pid !== undefined && status?.supervisor?.pid === pid) return pid;
    if (await paneDied()) {
      throw new CzarError(
        'czar_exited',
        `The czar exited as it started; read why with "czar attach czar", fix it, then run "czar up" again.`,
      );
    }
    if (pid !== undefined) runningSince ??= Date.now();
    if (runningSince === undefined && Date.now() - started > startMs) {
      throw new CzarError(
        'czar_not_started',
        `The czar did not start within ${Math.round(startMs / 1000)} s; read why with "czar attach czar", then run "czar up" again.`,
      );
    }
    if (runningSince !== undefined && Date.now() - runningSince > firstLookMs) {
      throw new CzarError(
        'czar_not_started',
        `The czar (pid ${pid ?? '?'}) runs but did not finish its first look at the fleet within ${Math.round(firstLookMs / 1000)} s; see what it is doing with "czar attach czar" or "czar log", then run "czar up" again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Hands a request to the running czar through `.czar/requests/` and waits for its answer, so every action goes
 * through the czar's own per-worker queue (no paste races with a nudge in flight).
 */
export async function askCzar(
  paths: StatePaths,
  body: CzarRequestBody,
  timeoutMs = 60_000,
  sign?: (request: CzarRequest) => CzarRequest,
): Promise<CzarRequestResult> {
  // In a box the state dir is the worker's door: czar carries the request out of it and its answer back in.
  const inDoor = await pathExists(doorViewFile(paths.root));
  if (!inDoor && !(await czarRunsOrStarts(paths))) {
    throw new CzarError(
      'czar_not_running',
      `The czar is not running for ${paths.root}; start it with "czar up" (it adopts a running fleet).`,
    );
  }
  const id = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  const resultFile = path.join(paths.requests, `${id}.result.json`);
  const request: CzarRequest = { id, ...body };
  // Loaded here, not above: `czar status` reads this module and does not need zod.
  const problem = (await import('../domain/model/czar-request.js')).requestProblem(request);
  if (problem !== undefined)
    throw new CzarError(
      'usage',
      `The "${body.kind}" request is not one the czar takes (${visible(problem)}), so it was not sent; correct that value and run the command again.`,
    );
  await writeJsonAtomic(path.join(paths.requests, `${id}.json`), sign === undefined ? request : sign(request));
  // A short poll, not a watcher: a watcher that is not ready yet could miss an answer that comes back at once.
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await readJson<CzarRequestResult>(resultFile);
    if (result !== undefined) {
      await removeFile(resultFile);
      return result;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new CzarError(
    'czar_timeout',
    `The czar did not answer request "${body.kind}" within ${Math.round(timeoutMs / 1000)} s; see "czar log" for what it is doing.`,
  );
}

/**
 * Whether a czar runs for this state dir, waiting for it while `czar up` launches: an agent may ask (a spawn as its
 * first step) before the czar that `up` starts last is running, and the czar answers what waits when it starts.
 */
async function czarRunsOrStarts(paths: StatePaths): Promise<boolean> {
  let startsBy: number | undefined;
  for (;;) {
    if ((await liveCzarPid(paths)) !== undefined) return true;
    if ((await liveLockHolder(paths.upLock)) !== undefined) startsBy = Date.now() + CZAR_START_MS;
    if (startsBy === undefined || Date.now() > startsBy) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A request file waiting in `.czar/requests/`; `answered` when its answer is written but the file not yet gone,
 * `takenBefore` when a czar took it into its model and stopped without answering or letting it go.
 */
export interface PendingRequest {
  readonly id: string;
  readonly file: string;
  readonly answered: boolean;
  readonly takenBefore: boolean;
}

/** Request files not yet let go, oldest first (ids start with a timestamp). */
export async function pendingRequests(paths: StatePaths): Promise<PendingRequest[]> {
  const files = new Set(await listFolder(paths.requests).catch(() => [] as string[]));
  return [...files]
    .filter((file) => file.endsWith('.json') && !file.endsWith('.result.json'))
    .sort()
    .map((file) => {
      const id = file.slice(0, -'.json'.length);
      return {
        id,
        file: path.join(paths.requests, file),
        answered: files.has(`${id}.result.json`),
        takenBefore: files.has(`${id}.taken`),
      };
    });
}

/**
 * Marks a request as taken by this czar before it acts on it: a czar that dies while carrying it out (a request may be
 * why it died) leaves the mark, and the next czar answers the request instead of carrying it out again.
 */
export async function markTaken(paths: StatePaths, id: string): Promise<void> {
  await writeAtomic(takenFile(paths, id), `${process.pid}\n`);
}

/** Lets a taken request go back to the next czar unmarked: this czar stops in order before it got to it. */
export async function releaseTaken(paths: StatePaths, id: string): Promise<void> {
  await removeFile(takenFile(paths, id));
}

function takenFile(paths: StatePaths, id: string): string {
  return path.join(paths.requests, `${id}.taken`);
}

/** Writes the answer, then lets the request go: a czar that stops in between leaves it to the next, not unanswered. */
export async function answerRequest(paths: StatePaths, result: CzarRequestResult): Promise<void> {
  await writeJsonAtomic(path.join(paths.requests, `${result.id}.result.json`), result);
  await removeFile(path.join(paths.requests, `${result.id}.json`));
  await removeFile(takenFile(paths, result.id));
}
