import path from 'node:path';
import { doorReportStream } from '../adapters/door-files.js';
import { fleetDoorState } from '../adapters/fleet-door.js';
import { fileSize, listFolder, readRange } from '../adapters/file-system.js';
import { branchTips, revParse } from '../adapters/git.js';
import { readJson } from '../adapters/state-files.js';
import { doorPath } from '../domain/model/box.js';
import { IncrementalLineReader } from '../adapters/line-reader.js';
import { watchPaths } from '../adapters/watcher.js';
import { MAX_OUTPUT_CHUNK, MAX_REPORT_TEXT, type StreamLine } from '../domain/model/host-stream.js';
import { launchRecordFile, statePaths, type StatePaths } from '../domain/model/paths.js';
import { HostUsage } from './usage.js';

/**
 * How often the state dir is looked at when no file event came: the reports and logs folders wake the stream as
 * they change (a 50 ms poll added 25 ms to a host report on average), and this look catches what a watch missed.
 */
const POLL_MS = 500;
/** The least time between two looks that file events asked for. */
const LOOK_FLOOR_MS = 20;
/** Branch tips cost a git process each look: once a second is enough for commits. */
const TIP_POLL_MS = 1_000;

/**
 * The host side of `czar watch --stream`: prints a hello, then every report line as it is appended, every pane log's
 * new bytes from the given offsets (or from its end when none is given) and whether its network door runs, until `stopped` resolves. Each look reads
 * every report stream and log size, so an event only says when to look, never what.
 */
export interface StreamSources {
  readonly stateDir: string;
  /** Where each worker's pane log resumes. */
  readonly offsets: Map<string, number>;
  /** The host's clone and each worker's branch in it, whose tips are watched. */
  readonly clone: string | undefined;
  readonly branches: ReadonlyMap<string, string>;
}

export async function streamStateDir(
  sources: StreamSources,
  write: (line: StreamLine) => Promise<void>,
  stopped: Promise<void>,
  version: string,
): Promise<void> {
  const { offsets } = sources;
  const paths = statePaths(sources.stateDir);
  const seenTips = new Map<string, string>();
  let lastTipLook = 0;
  const reportReaders = new Map<string, IncrementalLineReader>();
  /** The network door's state as last sent. */
  let doorSent: 'up' | 'down' | undefined;
  let running = true;
  void stopped.then(() => {
    running = false;
  });
  await write({ kind: 'hello', version });
  const usage = new HostUsage(sources.stateDir, [...sources.branches.keys()]);
  // Set by a file event; one that comes while a look runs makes the next look start at once.
  let nudged = false;
  let wake = (): void => undefined;
  const watch = watchPaths(
    [paths.reports, paths.logs, doorsFolder(paths)],
    () => {
      nudged = true;
      wake();
    },
    // A door's report stream is two folders down (doors/<worker>/reports).
    { depth: 2 },
  );
  try {
    while (running) {
      nudged = false;
      const lookStarted = Date.now();
      const changed: { worker: string; text: string }[] = [];
      const streams = [
        ...(await jsonFiles(paths.reports, '.jsonl')).map((file) => ({
          key: file,
          worker: path.basename(file, '.jsonl'),
          file,
          door: false,
        })),
        ...(await doorStreams(paths, sources.branches)),
      ];
      for (const { key, worker, file, door } of streams) {
        let reader = reportReaders.get(key);
        // A stream started again sends the latest report, then every new one: the czar has told the earlier ones.
        const first = reader === undefined;
        if (reader === undefined) {
          reader = new IncrementalLineReader(file, MAX_REPORT_TEXT);
          reportReaders.set(key, reader);
        }
        const lines: string[] = [];
        await reader.read((line) => lines.push(line)).catch(() => undefined);
        // Who speaks is the door a line came through: one naming another worker is not passed on.
        const own = door ? lines.filter((text) => speaksFor(text, worker)) : lines;
        for (const text of first ? own.slice(-1) : own) changed.push({ worker, text });
      }
      // Tips first when a report may say done: it must not arrive before the commits that back it. Other reports go
      // at once: a tip look is a git process, about a tenth of a second on a busy host.
      const doneSaid = changed.some(({ text }) => mayBeDone(text));
      if (sources.clone !== undefined && (doneSaid || Date.now() - lastTipLook >= TIP_POLL_MS)) {
        lastTipLook = Date.now();
        const tips = await branchTips(sources.clone).catch(() => new Map<string, string>());
        for (const [branch, sha] of await ownRepoTips(paths, sources.branches)) tips.set(branch, sha);
        for (const [worker, branch] of sources.branches) {
          const sha = tips.get(branch);
          if (sha === undefined || seenTips.get(worker) === sha) continue;
          seenTips.set(worker, sha);
          await write({ kind: 'tip', worker, sha });
        }
      }
      for (const { worker, text } of changed) await write({ kind: 'report', worker, text });
      for (const file of await jsonFiles(paths.logs, '.log')) {
        const worker = path.basename(file, '.log');
        const size = await fileSize(file);
        if (size === undefined) continue;
        let offset = offsets.get(worker) ?? size;
        // A log that shrank was started again: follow it from its start.
        if (size < offset) offset = 0;
        offsets.set(worker, offset);
        if (size === offset) continue;
        const bytes = await readRange(file, offset, Math.min(size - offset, MAX_OUTPUT_CHUNK));
        if (bytes === undefined || bytes.length === 0) continue;
        await write({ kind: 'output', worker, offset, data: bytes.toString('base64') });
        offsets.set(worker, offset + bytes.length);
      }
      for (const line of await usage.poll(Date.now())) await write(line);
      const door = await fleetDoorState(sources.stateDir);
      if (door !== 'none' && door !== doorSent) {
        doorSent = door;
        await write({ kind: 'door', up: door === 'up' });
      }
      if (nudged) {
        // A pane printing without pause wakes the stream on every write: one look per LOOK_FLOOR_MS at most.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, lookStarted + LOOK_FLOOR_MS - Date.now())));
        continue;
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, POLL_MS);
        }),
        stopped,
      ]);
      clearTimeout(timer);
      wake = () => undefined;
    }
  } finally {
    await Promise.all([usage.close(), watch.close()]);
  }
}

function doorsFolder(paths: StatePaths): string {
  return path.dirname(doorPath(paths.root, 'any'));
}

/** The report stream in the door of each worker that has one (a boxed worker, which writes its reports there). */
async function doorStreams(
  paths: StatePaths,
  branches: ReadonlyMap<string, string>,
): Promise<{ key: string; worker: string; file: string; door: true }[]> {
  const found = await Promise.all(
    [...branches.keys()].map(async (worker) => {
      const file = await doorReportStream(doorPath(paths.root, worker), worker);
      return file === undefined ? [] : [{ key: `door:${worker}`, worker, file, door: true as const }];
    }),
  );
  return found.flat();
}

/**
 * The tips of the workers with a repository of their own (boxed ones: their door exists), read in that repository,
 * whose folder czar's launch record in the state dir names (the door's copy is the worker's to rewrite).
 */
async function ownRepoTips(paths: StatePaths, branches: ReadonlyMap<string, string>): Promise<Map<string, string>> {
  const tips = new Map<string, string>();
  for (const [worker, branch] of branches) {
    if ((await listFolder(doorPath(paths.root, worker)).catch(() => undefined)) === undefined) continue;
    const record = await readJson<{ worktree?: unknown }>(launchRecordFile(paths, worker));
    if (typeof record?.worktree !== 'string') continue;
    const sha = await revParse(record.worktree, `refs/heads/${branch}`).catch(() => undefined);
    if (sha !== undefined) tips.set(branch, sha);
  }
  return tips;
}

/**
 * Whether a report line from `worker`'s door names that worker (`czar report`'s own refusal line and its network
 * door's refusal name none).
 */
function speaksFor(text: string, worker: string): boolean {
  try {
    const value = JSON.parse(text) as { worker?: unknown; refused?: unknown; boxRefused?: unknown } | null;
    return typeof value?.refused === 'string' || typeof value?.boxRefused === 'string' || value?.worker === worker;
  } catch {
    return false;
  }
}

/** False only for a report line that surely is not a done: one that parses and names another state. */
function mayBeDone(text: string): boolean {
  try {
    const state = (JSON.parse(text) as { state?: unknown } | null)?.state;
    return typeof state !== 'string' || state === 'done';
  } catch {
    return true;
  }
}

async function jsonFiles(dir: string, extension: string): Promise<string[]> {
  const names = await listFolder(dir).catch(() => [] as string[]);
  return names
    .filter((name) => name.endsWith(extension) && /^[a-z0-9][a-z0-9_-]*\./.test(name))
    .map((name) => path.join(dir, name));
}
