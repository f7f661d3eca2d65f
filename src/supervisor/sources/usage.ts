import path from 'node:path';
import { TRANSCRIPT_LIMITS } from '../../adapters/transcript-reader.js';
import { watchPaths, type Watch } from '../../adapters/watcher.js';
import { transcriptFiles } from '../../launch/conversation-start.js';
import { agentTranscripts, presetOf } from '../../agents/index.js';
import type { IdentityParser } from '../../agents/resume.js';
import {
  boxedTranscriptContext,
  type AgentTranscripts,
  type TranscriptContext,
  type TranscriptPlaces,
} from '../../agents/transcripts.js';
import type { WorkerMemory, WorkerModel } from '../../domain/model/model.js';
import { heldInWorktree, type RecordedConversation } from '../../domain/model/resume.js';
import { byModel, type WorkerUsage } from '../../domain/usage/usage.js';
import { conversationsOf, TranscriptFile } from './transcript-file.js';

/**
 * How often the transcript folders of a worker with no transcript yet are listed for one, in the first minute of its
 * task (EAGER_MS), when an agent writes its first line. A budget may be crossed by the first line of a new file, so
 * this bounds how late an interrupt can be; a listing is one readdir per folder. After that minute a worker with no
 * transcripts (an agent that keeps none, or one held by a dialog) is listed at the sweep: twenty such workers listed
 * every second cost a third of a quiet czar's CPU.
 */
const DISCOVER_MS = 1_000;
const EAGER_MS = 60_000;
/**
 * Once a worker's transcripts are found their folders are watched, and a new file there (a session, a subagent) wakes
 * the source at once: listing them again is only a sweep for a missed event or a new folder (Codex's next day).
 * Listing twenty workers' folders every second was most of what cost tracking cost a quiet fleet.
 */
const SWEEP_MS = 10_000;
/**
 * A line is given its task when it is read. While a task's paste is unconfirmed, a new line may be the last turn of
 * the task before or the first of the new one: the worker's transcripts wait (this long at most) for the paste's time.
 */
const PENDING_HOLD_MS = 30_000;

/** What the source needs to know about a worker on each poll. */
export interface UsageSubject {
  readonly name: string;
  /** Undefined for agents that keep no transcripts: their usage stays unknown. */
  readonly transcripts: AgentTranscripts | undefined;
  /** The tasks handed out, in order, with when: a line belongs to the task current when it was written. */
  readonly tasks: readonly { readonly id: string; readonly at: number }[];
  /** When the last task was given, while its paste is unconfirmed. */
  readonly pendingSince?: number | undefined;
  /** How its agent's transcript lines name their conversation; absent when the agent cannot resume one. */
  readonly identity?: IdentityParser | undefined;
  /** Its worktree as its agent sees it, with `identity`: prompts count only from conversations held there. */
  readonly worktree?: string | undefined;
}

/**
 * The usage source: follows each worker's transcripts (finding new files every DISCOVER_MS) and says whose usage
 * changed. Every byte of a transcript is read once; a czar restart reads them again from the start, which
 * rebuilds the same totals (lines are attributed by their own timestamps). A file is read when its folder's watch
 * names it, when it is new, and at the sweep (for an event the watch dropped): looking at twenty workers' files on
 * every pass, a stat each, was most of what cost tracking cost a quiet fleet.
 */
export class UsageSource {
  private readonly files = new Map<string, Map<string, TranscriptFile>>();
  /** One watch per folder holding transcripts: an appended line triggers a pass at once, not on the next tick. */
  private readonly watches = new Map<string, Watch>();
  /** The workers whose records are in each watched folder (Codex keeps every worker's rollouts of a day in one). */
  private readonly watchers = new Map<string, Set<string>>();
  /** From the watches: workers whose transcript folders changed, to list again and to read. */
  private readonly stirred = new Set<string>();
  private readonly discoveredAt = new Map<string, number>();
  private readonly codexCwds = new Map<string, string | undefined>();
  private readonly placesSeen = new Map<string, TranscriptPlaces>();
  private readonly reported = new Set<string>();

  /** `onActivity` is called when a watched record folder changes: the caller should poll soon. */
  constructor(private readonly onActivity: () => void = () => undefined) {}

  async close(): Promise<void> {
    await Promise.all([...this.watches.values()].map((watch) => watch.close()));
    this.watches.clear();
  }

  /** Polls every subject; returns the usage of those whose usage changed. */
  async poll(subjects: readonly UsageSubject[], now: number): Promise<Map<string, WorkerUsage>> {
    const changed = new Map<string, WorkerUsage>();
    for (const subject of subjects) {
      if (subject.transcripts === undefined) continue;
      // Held lines wait in their file, and the watch's mark waits with them.
      if (subject.pendingSince !== undefined && now - subject.pendingSince < PENDING_HOLD_MS) continue;
      const files = this.files.get(subject.name) ?? new Map<string, TranscriptFile>();
      this.files.set(subject.name, files);
      const eager = files.size === 0 && now - (subject.tasks.at(-1)?.at ?? -Infinity) < EAGER_MS;
      const due = now - (this.discoveredAt.get(subject.name) ?? -Infinity) >= (eager ? DISCOVER_MS : SWEEP_MS);
      const stirred = this.stirred.delete(subject.name);
      let found = false;
      if (due || stirred || this.placesSeen.get(subject.name) !== subject.transcripts.places) {
        this.discoveredAt.set(subject.name, now);
        this.placesSeen.set(subject.name, subject.transcripts.places);
        const listed = new Set(await this.find(subject.transcripts.places, now));
        // A file gone from its folder keeps the usage it recorded, but its conversation can no longer be resumed.
        for (const [file, transcript] of files) {
          if (transcript.gone !== listed.has(file)) continue;
          transcript.gone = !transcript.gone;
          found = true;
        }
        for (const file of listed) {
          if (files.has(file)) continue;
          files.set(file, new TranscriptFile(file, subject.transcripts));
          this.watch(path.dirname(file), subject.name);
          found = true;
        }
      }
      if (!stirred && !found && !due) continue;
      let any = found;
      for (const transcript of files.values()) if (await transcript.poll(subject, now)) any = true;
      if (any || (files.size > 0 && !this.reported.has(subject.name))) {
        this.reported.add(subject.name);
        changed.set(subject.name, merge([...files.values()].map((transcript) => ownUsage(transcript, subject))));
      }
    }
    return changed;
  }

  /** The conversations the worker's transcripts hold, as read so far. */
  conversations(worker: string): RecordedConversation[] {
    return conversationsOf(this.files.get(worker)?.values() ?? []);
  }

  private watch(dir: string, worker: string): void {
    const workers = this.watchers.get(dir) ?? new Set<string>();
    this.watchers.set(dir, workers.add(worker));
    if (this.watches.has(dir)) return;
    // Any change in the folder: a file grew, or a new one (a subagent, a session) is there to find. Marked when the
    // watch is ready too, for lines written between the first read and then.
    const mark = (): void => {
      for (const name of workers) this.stirred.add(name);
      this.onActivity();
    };
    this.watches.set(dir, watchPaths([dir], mark, { depth: 2, onReady: mark }));
  }

  private find(places: TranscriptPlaces, now: number): Promise<string[]> {
    return transcriptFiles(places, now, this.codexCwds);
  }
}

/**
 * A transcript's usage, with its prompts only when its conversation is the worker's by the test a restart's resume
 * uses: the delivery check must not quote another worker's prompt from a conversation a resume would refuse.
 */
function ownUsage(transcript: TranscriptFile, subject: UsageSubject): WorkerUsage {
  const { usage } = transcript;
  if (subject.worktree === undefined || usage.prompts === undefined) return usage;
  return heldInWorktree(transcript.conversation, subject.worktree) ? usage : { ...usage, prompts: [] };
}

/** One worker's usage from the usage of each of its transcripts. */
export function merge(parts: readonly WorkerUsage[]): WorkerUsage {
  const tasks = [...new Set(parts.flatMap((part) => part.tasks.map((task) => task.task)))].map((task) => ({
    task,
    models: byModel(parts.flatMap((part) => part.tasks.filter((entry) => entry.task === task))),
  }));
  const times = parts.flatMap((part) => (part.lastAt === undefined ? [] : [part.lastAt]));
  return {
    tasks,
    files: parts.length,
    skippedLines: parts.reduce((sum, part) => sum + part.skippedLines, 0),
    lastAt: times.length === 0 ? undefined : Math.max(...times),
    prompts: parts
      .flatMap((part) => part.prompts ?? [])
      .sort((a, b) => (a.at ?? 0) - (b.at ?? 0))
      .slice(-TRANSCRIPT_LIMITS.workerPrompts),
  };
}

/**
 * What the usage source needs to know of each launched worker: where its agent keeps transcripts, and its tasks. Asked
 * on every pass; a worker's places are worked out again only when its transcript path changes, and its subject only
 * when its tasks do (the environment is the czar's, copied once: the panes got it when the tmux server started).
 */
export class UsageSubjects {
  private readonly known = new Map<
    string,
    {
      readonly transcript: string | undefined;
      readonly tasks: WorkerMemory['tasks'];
      readonly copy: string | undefined;
      readonly subject: UsageSubject;
    }
  >();

  /**
   * `realWorktree` is the worktree as its agent sees it, links resolved (undefined until known): the folder its
   * transcripts name a conversation by.
   */
  constructor(
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly realWorktree: (worker: string) => string | undefined = () => undefined,
    /** A boxed worker's private home, where its agent's transcripts are; undefined for one that is not boxed. */
    private readonly homeCopy: (worker: string) => string | undefined = () => undefined,
  ) {}

  of(workers: readonly WorkerModel[]): UsageSubject[] {
    return workers.filter((worker) => worker.launchedAt !== undefined).map((worker) => this.subject(worker));
  }

  /** How the worker's agent names its conversations in its transcripts; undefined when it cannot resume one. */
  identity(worker: WorkerModel): { parser: IdentityParser; worktree: string } | undefined {
    const resume = presetOf(worker.spec.agent).resume;
    const worktree = this.realWorktree(worker.spec.name);
    return resume === undefined || worktree === undefined ? undefined : { parser: resume.identity(worktree), worktree };
  }

  private subject(worker: WorkerModel): UsageSubject {
    // The hook's word, so untrusted: only an absolute path to a JSONL file points at a folder to list.
    const transcript = isTranscriptPath(worker.report?.transcriptPath) ? worker.report.transcriptPath : undefined;
    const known = this.known.get(worker.spec.name);
    if (
      known !== undefined &&
      known.transcript === transcript &&
      known.tasks === worker.memory.tasks &&
      known.copy === this.homeCopy(worker.spec.name)
    )
      return known.subject;
    const copy = this.homeCopy(worker.spec.name);
    const context: TranscriptContext = {
      worktree: worker.spec.worktree,
      // The pane's environment: the tmux server's (the czar's own) with the agent's and the worker's env: on top.
      env: { ...this.env, ...worker.spec.agent.env, ...worker.spec.env },
      transcripts: transcript === undefined ? [] : [transcript],
    };
    const transcripts =
      known !== undefined && known.transcript === transcript && known.copy === copy
        ? known.subject.transcripts
        : agentTranscripts(
            worker.spec.agent.preset,
            copy === undefined ? context : boxedTranscriptContext(context, copy),
          );
    const identity = this.identity(worker);
    const subject: UsageSubject = {
      name: worker.spec.name,
      transcripts,
      identity: identity?.parser,
      worktree: identity?.worktree,
      // A later task starts at its first paste (until then its lines are the last turns of the task before); one
      // whose paste is never confirmed, when it was given. The first starts when it was given: no line is left out.
      tasks: worker.memory.tasks.map((task, index) => ({
        id: task.id,
        at: index === 0 ? task.at : (task.deliveredAt ?? task.at),
      })),
      ...pending(worker),
    };
    this.known.set(worker.spec.name, { transcript, tasks: worker.memory.tasks, copy, subject });
    return subject;
  }
}

function pending(worker: WorkerModel): Pick<UsageSubject, 'pendingSince'> {
  const last = worker.memory.tasks.at(-1);
  return worker.memory.tasks.length > 1 && last !== undefined && last.deliveredAt === undefined
    ? { pendingSince: last.at }
    : {};
}

function isTranscriptPath(file: string | undefined): file is string {
  return file !== undefined && path.isAbsolute(file) && file.endsWith('.jsonl');
}
