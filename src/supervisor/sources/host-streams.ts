import { appendToFile, fileSize, makeFolder } from '../../adapters/file-system.js';
import { czarVersion } from '../../adapters/package-files.js';
import { appendReportLine } from '../../adapters/report-files.js';
import { writeAtomic } from '../../adapters/state-files.js';
import { fastForwardHere, fetchBranch, pushFromHost } from '../../adapters/host-git.js';
import { hostClonePath, hostStateDir, usedHosts } from '../../domain/model/host-layout.js';
import { hostUsage, type HostLink } from '../../domain/model/host-status.js';
import type { WorkerUsage } from '../../domain/usage/usage.js';
import {
  branchArgs,
  MAX_STREAM_LINE,
  offsetArgs,
  parseStreamLine,
  reconnectDelayMs,
  type StreamLine,
} from '../../domain/model/host-stream.js';
import { logFile, reportFile } from '../../domain/model/paths.js';
import { LineOrder } from './line-order.js';
import { observeNetDoor } from './net-doors.js';
import { placeWhere } from '../../domain/model/place-kind.js';
import { neutraliseControls } from '../../domain/model/sanitize.js';
import type { Fleet } from '../../fleet/handle.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/**
 * The source for workers on ssh hosts: one `czar watch --stream` per host over its master, whose report and output
 * lines become the local state dir's report files and pane logs. The file watchers and the reconcile pass then treat
 * them exactly as local ones, so `decide()` cannot tell a host's worker from a local one. A dropped stream is
 * started again with backoff and resumes each log at the byte the local copy reached, so no output is lost or doubled; each
 * report is a line appended to the local stream, and the latest one sent again on reconnect is known by its seq and time.
 */
export class HostStreams implements Source {
  readonly name = 'hosts';
  private stopped = false;
  private readonly running: { stop(): void }[] = [];
  private readonly loops: Promise<void>[] = [];
  /** Hosts said to be unreachable and not yet said to be back (the model's links say which are down). */
  private readonly saidUnreachable = new Set<string>();
  /** Per worker, the byte of its host's pane log the local copy has reached. */
  private readonly offsets = new Map<string, number>();
  /**
   * Per worker on a host, its usage as the host's watch last sent it (whole, so a stream started again replaces
   * it). `poll` puts it on the model, as the local usage source does for this machine's workers.
   */
  private readonly usage = new Map<string, WorkerUsage>();
  /** Each host's link as status.json shows it. */
  private readonly links = new Map<string, HostLink>();
  private readonly startedAt = Date.now();
  /** The links as the model last got them; undefined when one changed since. */
  private linksSeen: ReadonlyMap<string, HostLink> | undefined;
  /** Per worker, the tip its host sent last: a tip that did not get here is tried again until a newer one comes. */
  private readonly latestTips = new Map<string, string>();
  private readonly retries = new Set<NodeJS.Timeout>();
  /** Whether each host's network door runs, as its stream last said (absent: unknown, or no boxed worker there). */
  private readonly doors = new Map<string, boolean>();

  /** `changed` is called when a host's link changes, so status.json says so without waiting for the clock. */
  constructor(
    private readonly fleet: Fleet,
    private readonly changed: () => void = () => undefined,
  ) {}

  private setLink(host: string, state: HostLink['state'], reason?: string): void {
    const now = this.links.get(host);
    // An outage keeps the time it began through every failed reconnect.
    if (now?.state === state && state !== 'refused') return;
    this.links.set(host, { state, since: Date.now(), reason });
    this.linksSeen = undefined;
    this.changed();
  }

  poll(store: ModelStore): Promise<void> {
    for (const [name, usage] of this.usage)
      store.update(name, (model) => (model.usage === usage ? model : { ...model, usage }));
    const hosts = usedHosts(this.fleet.config.workers);
    for (const host of hosts) {
      const boxed = this.fleet.config.workers.find(
        (worker) => worker.host === host && (worker.sandbox?.mode ?? 'off') !== 'off',
      );
      const up = this.doors.get(host);
      if (boxed !== undefined)
        observeNetDoor(store, placeWhere(boxed), up === undefined ? undefined : { up, worker: boxed.name });
    }
    if (this.linksSeen === undefined && hosts.length > 0) {
      // A host whose stream has not said hello yet is connecting since the czar started.
      const links = new Map(
        hosts.map((host) => [host, this.links.get(host) ?? { state: 'connecting' as const, since: this.startedAt }]),
      );
      this.linksSeen = links;
      store.change((model) => ({ ...model, hostLinks: links }));
    }
    return Promise.resolve();
  }

  start(): void {
    for (const host of usedHosts(this.fleet.config.workers)) this.loops.push(this.follow(host));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const retry of this.retries) clearTimeout(retry);
    for (const stream of this.running) stream.stop();
    await Promise.all(this.loops);
  }

  private async follow(host: string): Promise<void> {
    const specs = this.fleet.config.workers.filter((worker) => worker.host === host);
    const workers = new Set(specs.map((worker) => worker.name));
    const branches = new Map(specs.map((worker) => [worker.name, worker.branch]));
    const link = this.fleet.hosts.link(host);
    const stateDir = hostStateDir(link.spec, this.fleet.config.project);
    for (let attempt = 1; !this.stopped; attempt++) {
      let refused: string | undefined;
      let reason: string;
      try {
        await link.ssh.connect();
        // The local copy holds the host's log from its first byte (delivery reads terminal modes from it), so a
        // czar started again resumes where the copy ends.
        for (const worker of workers) {
          if (!this.offsets.has(worker))
            this.offsets.set(worker, (await fileSize(logFile(this.fleet.paths, worker))) ?? 0);
        }
        const offsets = new Map([...this.offsets].filter(([worker]) => workers.has(worker)));
        const watch = [
          'czar',
          'watch',
          '--stream',
          '--state-dir',
          stateDir,
          '--clone',
          hostClonePath(link.spec, this.fleet.config.project),
          ...branchArgs(branches),
          ...offsetArgs(offsets),
        ];
        const stream = link.ssh.stream(
          watch,
          (line) => {
            const parsed = parseStreamLine(line);
            if (!parsed.ok) {
              void this.say('host_stream_dropped', `dropped ${parsed.reason} from host "${host}"`);
              return;
            }
            const value = parsed.value;
            if (value.kind === 'hello') {
              if (value.version !== czarVersion()) {
                refused = `host "${host}" runs czar ${neutraliseControls(value.version)} but this is czar ${czarVersion()}; run "ssh ${link.spec.destination} npm install -g czar@${czarVersion()}" and start the czar again`;
                stream.stop();
              } else {
                attempt = 1;
                this.setLink(host, 'reachable');
                if (this.saidUnreachable.delete(host))
                  void this.say(
                    'host_reachable',
                    `host "${host}" is reachable again; its workers are adopted as they are`,
                  );
              }
              return;
            }
            if (value.kind === 'door') {
              this.doors.set(host, value.up);
              this.changed();
              return;
            }
            this.order.add(value.worker, value.kind === 'tip' ? 'tip' : 'other', () =>
              this.apply(host, workers, value),
            );
          },
          MAX_STREAM_LINE,
        );
        this.running.push(stream);
        const ended = await stream.done;
        this.running.splice(this.running.indexOf(stream), 1);
        // Unknown until the next stream says: a door seen down is not started again through a link that is down.
        this.doors.delete(host);
        reason = ended.message === '' ? `the stream ended with ${ended.exitCode}` : ended.message;
      } catch (error) {
        reason = error instanceof Error ? error.message : String(error);
      }
      if (this.stopped) return;
      if (refused !== undefined) {
        this.setLink(host, 'refused', refused);
        await this.say('host_refused', refused);
        return;
      }
      this.setLink(host, 'unreachable', reason);
      if (!this.saidUnreachable.has(host)) {
        this.saidUnreachable.add(host);
        await this.say(
          'host_unreachable',
          `host "${host}" is unreachable (${reason}); its workers keep running there, and czar reconnects`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs(attempt)));
    }
  }

  /**
   * A commit on a host reaches the shared remote (czar pushes the worker's branch from its worktree there) and this
   * repo (fetched fast-forward only into the worker's branch, so the git watchers, conflict prediction and the
   * dashboard see it as they see a local worker's). A tip whose commit is already here only moves the branch here. A
   * branch that moved another way here is left alone and said.
   */
  private async publishTip(host: string, worker: string, sha: string, attempt = 1): Promise<void> {
    const spec = this.fleet.config.workers.find((candidate) => candidate.name === worker);
    if (spec === undefined) return;
    try {
      if (await fastForwardHere(this.fleet.config.repo, spec.branch, sha)) return;
      const link = this.fleet.hosts.link(host);
      await pushFromHost(link.ssh, spec.worktree, spec.branch);
      await fetchBranch(this.fleet.config.repo, link.spec.remote, spec.branch);
    } catch (error) {
      // The host sends a tip once: a failure that passes (a ref lock, or a "git worktree add" here whose placeholder
      // HEAD makes a fetch fail) would leave the worker's commits unseen for good. Said once, tried until it lands.
      if (attempt === 1)
        await this.say(
          'host_push_failed',
          `the new commit of ${worker} on host "${host}" did not reach this repo: ${error instanceof Error ? error.message : String(error)}; czar tries again`,
          worker,
        );
      const retry = setTimeout(() => {
        this.retries.delete(retry);
        if (!this.stopped && this.latestTips.get(worker) === sha)
          this.order.add(worker, 'tip', () => this.publishTip(host, worker, sha, attempt + 1));
      }, reconnectDelayMs(attempt));
      this.retries.add(retry);
    }
  }

  /** An event of this source; one that cannot be written (the czar is going away) is not an error of the stream. */
  private async say(kind: string, message: string, worker?: string): Promise<void> {
    await this.fleet.log.emit(kind, message, worker).catch(() => undefined);
  }

  /** Each worker's lines in order (a log grows exactly as it did on the host); one worker's push never holds back another. */
  private readonly order = new LineOrder();

  private async apply(
    host: string,
    workers: ReadonlySet<string>,
    line: Exclude<StreamLine, { kind: 'hello' | 'door' }>,
  ): Promise<void> {
    if (!workers.has(line.worker)) {
      await this.say(
        'host_stream_dropped',
        `host "${host}" sent a ${line.kind} for "${line.worker}", which is not one of its workers; ignored`,
      );
      return;
    }
    const { paths } = this.fleet;
    if (line.kind === 'tip') {
      this.latestTips.set(line.worker, line.sha);
      await this.publishTip(host, line.worker, line.sha);
      return;
    }
    if (line.kind === 'usage') {
      // Counted under the worker's own task (its id is the worker's name): the host cannot tell its tasks apart.
      this.usage.set(line.worker, hostUsage(line, line.worker));
      this.changed();
      return;
    }
    if (line.kind === 'report') {
      await makeFolder(paths.reports);
      // One report is one stream line, as `czar report` appends it here; the latest report file follows it.
      const text = `${line.text.replace(/[\r\n]+/g, ' ').trim()}\n`;
      await appendReportLine(paths, line.worker, text);
      await writeAtomic(reportFile(paths, line.worker), text);
      return;
    }
    const expected = this.offsets.get(line.worker) ?? line.offset;
    // A chunk the local copy already has (sent again after a reconnect) is skipped, never appended twice.
    if (line.offset < expected) return;
    const bytes = Buffer.from(line.data, 'base64');
    await makeFolder(paths.logs);
    await appendToFile(logFile(paths, line.worker), bytes);
    this.offsets.set(line.worker, line.offset + bytes.length);
  }
}
