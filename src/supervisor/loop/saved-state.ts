import { readText, writePiecesAtomicSync } from '../../adapters/state-files.js';
import {
  initialWorker,
  ownTask,
  type FleetModel,
  type WorkerMemory,
  type WorkerModel,
} from '../../domain/model/model.js';
import type { ReportObservation } from '../../domain/model/observations.js';
import { withOverrides } from '../../domain/usage/prices.js';
import { sameItems } from '../../domain/model/same-items.js';
import { takeFreshWorktrees } from '../../fleet/fresh-worktrees.js';
import type { Fleet } from '../../fleet/handle.js';
import { readLaunchRecords } from '../../fleet/launch-records.js';
import type { Observer } from './observer.js';
import type { LinePosition } from '../../adapters/line-reader.js';

/** What survives a czar restart besides tmux, git and the reports: the czar's memory and the queue. */
interface SavedState {
  readonly startedAt: string;
  readonly paused: boolean;
  readonly queue: readonly string[];
  /** With each worker's latest report: the stream is read on from its saved place, so that report is not read again. */
  readonly workers: Readonly<
    Record<string, { memory: WorkerMemory; report?: ReportObservation; launchedAt?: number; deliveredAt?: number }>
  >;
  readonly budgetWarned?: readonly string[] | undefined;
  /** Where the czar was in each worker's report stream: the next czar reads on from there. */
  readonly reportStreams?: Readonly<Record<string, LinePosition>>;
}

/**
 * Builds the model from the config, then lays the saved memory and launch records over it; `startedAt` is the
 * sprint's start when an earlier czar saved one. `launchId`: the launch that started this czar, which may have handed
 * over the worktrees it made.
 */
export async function restoreModel(
  fleet: Fleet,
  observer: Observer,
  launchId?: string,
): Promise<{ model: FleetModel; startedAt: string | undefined }> {
  const now = Date.now();
  const { config } = fleet;
  const saved = await readSavedState(fleet);
  const records = await readLaunchRecords(fleet.paths);
  observer.handOver(await takeFreshWorktrees(fleet.paths, launchId));
  await observer.adopt(records, saved?.reportStreams);
  const workers = config.workers.map((spec): WorkerModel => {
    const fresh = initialWorker(spec, now);
    const remembered = saved?.workers[spec.name];
    const record = records.get(spec.name);
    if (remembered !== undefined) {
      // Check runs and reviews die with the czar that started them: ask again for any tip still unjudged.
      return {
        ...fresh,
        report: remembered.report,
        memory: {
          ...remembered.memory,
          checksAsked: undefined,
          reviewAsked: undefined,
          // The launch record has the conversation resumed last, by this czar or by a `czar up` after it.
          resumedConversation: record?.conversation ?? remembered.memory.resumedConversation,
        },
        launchedAt: remembered.launchedAt,
        deliveredAt: remembered.deliveredAt ?? deliveredFrom(record),
      };
    }
    if (record === undefined) return fresh;
    // Launched by `czar up` before this czar existed: its own task is already in the pane.
    const launchedAt = Date.parse(record.launchedAt);
    const deliveredAt = deliveredFrom(record);
    // Briefed when the paste started: the agent may report on the task before czar confirmed the delivery.
    const briefedAt =
      record.deliveryStartedAt === undefined ? (deliveredAt ?? launchedAt) : Date.parse(record.deliveryStartedAt);
    const memory: WorkerMemory = {
      ...fresh.memory,
      state: 'starting',
      tasks: [ownTask(spec, briefedAt)],
      briefedAt,
      resumedConversation: record.conversation,
    };
    return { ...fresh, memory, launchedAt, deliveredAt };
  });
  const queueIds = saved?.queue;
  const queue = queueIds === undefined ? config.bonus : config.bonus.filter((task) => queueIds.includes(task.id));
  const model: FleetModel = {
    workers,
    queue,
    paused: saved?.paused ?? false,
    policy: config.policy,
    ...(config.routing === undefined ? {} : { routing: config.routing }),
    base: config.base,
    prices: withOverrides(config.prices),
    budgetWarned: saved?.budgetWarned,
  };
  return { model, startedAt: saved?.startedAt };
}

/**
 * The saved state, or undefined when there is none or it cannot be read: then the czar starts from the config and
 * the records, and says so (a torn or foreign file is replaced at the first save).
 */
async function readSavedState(fleet: Fleet): Promise<SavedState | undefined> {
  const file = fleet.paths.czarState;
  const text = await readText(file);
  if (text === undefined) return undefined;
  const saved = parseSavedState(text);
  if (saved === undefined) {
    await fleet.log.emit(
      'state_discarded',
      `${file} is not a saved czar state czar can read, so the czar starts from the config, the launch records and what tmux and git show; the memory of nudges, restarts and the bonus queue starts over.`,
    );
  }
  return saved;
}

function parseSavedState(text: string): SavedState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const isMapping = (field: unknown): boolean => typeof field === 'object' && field !== null && !Array.isArray(field);
  const shaped =
    typeof record.startedAt === 'string' &&
    typeof record.paused === 'boolean' &&
    isMapping(record.workers) &&
    Array.isArray(record.queue) &&
    record.queue.every((id) => typeof id === 'string') &&
    Object.values(record.workers as object).every(isMapping);
  return shaped ? (value as SavedState) : undefined;
}

/** The czar's memory on disk, written only when it changed. */
export class SavedStateFile {
  /** The pieces last written: a worker's entry is one piece, the same string while the worker is the same object. */
  private lastPieces: readonly string[] = [];
  private lastModel: FleetModel | undefined;
  private lastPositions = '';

  constructor(private readonly file: string) {}

  save(model: FleetModel, startedAt: string, reportStreams: Readonly<Record<string, LinePosition>>): void {
    const positions = JSON.stringify(reportStreams);
    // A pass that changed nothing hands back the same model: nothing to compare.
    if (model === this.lastModel && positions === this.lastPositions) return;
    this.lastModel = model;
    this.lastPositions = positions;
    const rest: Omit<SavedState, 'workers' | 'reportStreams'> = {
      startedAt,
      paused: model.paused,
      queue: model.queue.map((task) => task.id),
      budgetWarned: model.budgetWarned,
    };
    // Each worker's entry is kept with the worker: a pass formats the entries of the workers that changed only, and
    // the file is written from the pieces, with no 500 KB string joined for the garbage collector each pass.
    const pieces = [`${JSON.stringify(rest).slice(0, -1)},"reportStreams":${positions},"workers":{`];
    model.workers.forEach((worker, index) => {
      if (index > 0) pieces.push(',');
      pieces.push(savedEntryText(worker));
    });
    pieces.push('}}\n');
    if (sameItems(pieces, this.lastPieces)) return;
    this.lastPieces = pieces;
    writePiecesAtomicSync(this.file, pieces);
  }
}

function deliveredFrom(record: { deliveredAt?: string; deliveryStartedAt?: string } | undefined): number | undefined {
  // An unconfirmed delivery counts as delivered so the ladder can follow up, rather than "starting" forever.
  const at = record?.deliveredAt ?? record?.deliveryStartedAt;
  return at === undefined ? undefined : Date.parse(at);
}

/** Per worker memory: the entry last written with it, and what else it was written from. */
const savedEntries = new WeakMap<WorkerModel['memory'], { readonly from: readonly unknown[]; readonly text: string }>();

/**
 * A worker's entry in the saved state, `"name":{...}` as JSON; workers are never changed in place. Kept with the
 * memory, not the worker: a worker changes with every pass that sees its pane write, its memory (a list of alerts per
 * peer in a fleet on one file) only when a rule moves it.
 */
function savedEntryText(worker: WorkerModel): string {
  const { memory, report, launchedAt, deliveredAt } = worker;
  const from = [worker.spec.name, report, launchedAt, deliveredAt];
  const known = savedEntries.get(memory);
  if (known !== undefined && sameItems(known.from, from)) return known.text;
  const text = `${JSON.stringify(worker.spec.name)}:${JSON.stringify({ memory, report, launchedAt, deliveredAt })}`;
  savedEntries.set(memory, { from, text });
  return text;
}
