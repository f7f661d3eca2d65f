import { predictConflictsOf } from '../../adapters/merge-prediction.js';
import type { PredictedConflict } from '../../domain/model/observations.js';
import type { WorkerModel } from '../../domain/model/model.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/**
 * The least time between two showings of a prediction still running: the first conflict found shows at once, and the
 * hundreds a fleet on one file may hold do not ask for a pass each.
 */
const SHOW_EVERY_MS = 100;

/**
 * Merges asked of one git process: one commit to a file the whole fleet of 50 edits asks for 49, in one batch, while
 * the 1225 pairs of a fresh start show in batches as they are found.
 */
const MERGES_PER_BATCH = 64;

interface Merge {
  readonly worker: string;
  /** Undefined: the merge is with base. */
  readonly peer: string | undefined;
  readonly left: string;
  readonly right: string;
}

interface Branch {
  readonly name: string;
  readonly tip: string;
  readonly files: ReadonlySet<string>;
}

/**
 * The source of conflict predictions. Twenty branches changing one file are 190 merges, seconds of git, so the passes
 * never wait for it: a pass that saw some branch move starts a prediction beside the passes (or asks the running one
 * for one more), and the prediction writes what it found into the model as it goes, asking for a pass to decide on it.
 * It takes the tips the git looks read and runs `git merge-tree` only where a conflict is possible: two active branches
 * whose changed files overlap, and each active branch against base. Results are cached by the pair of tips, so a
 * branch that did not move costs nothing on the next look.
 */
export class ConflictSource implements Source {
  readonly name = 'conflicts';
  /** `<tip>:<tip>` -> conflicting files (empty: merges cleanly). */
  private pairs = new Map<string, readonly string[]>();
  private lastSignature = '';
  private running = false;
  /** A branch was looked at since the running prediction read the tips: one more follows it. */
  private again = false;

  /**
   * `predicted` asks for a pass: a prediction wrote what it found into the model. `giveWay` resolves when git may run
   * (it is waited for before a prediction and before each batch of merges).
   */
  constructor(
    private readonly repo: string,
    private readonly predicted: () => void,
    private readonly giveWay: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Never waits on git: starts a prediction after a pass looked at some branch, or leaves it to the running one. */
  poll(store: ModelStore): Promise<void> {
    if (store.takeGitLooked()) this.again = true;
    if (this.again && !this.running) void this.predictWhileLooked(store);
    return Promise.resolve();
  }

  private async predictWhileLooked(store: ModelStore): Promise<void> {
    this.running = true;
    while (this.again) {
      this.again = false;
      // A failed look keeps the last predictions until the next.
      await this.predict(store).catch(() => undefined);
    }
    this.running = false;
  }

  private async predict(store: ModelStore): Promise<void> {
    await this.giveWay();
    // The tips the git looks read, which the files beside them in the model are of: no read of its own.
    const baseTip = store.model.baseTip;
    const active = activeBranches(store.model.workers);
    const signature = JSON.stringify([baseTip, active.map((branch) => [branch.name, branch.tip, [...branch.files]])]);
    if (signature === this.lastSignature) return;

    const shown = new Shown(store, active, (conflicts, partial) => {
      // Into the model as it is now: a delivery confirmed meanwhile stays.
      store.change((model) => ({ ...model, conflicts, conflictsPartial: partial }));
      this.predicted();
    });
    const pairs = new Map<string, readonly string[]>();
    const merges: Merge[] = [];
    for (const [index, branch] of active.entries()) {
      for (const other of active.slice(index + 1)) {
        // No file changed on both sides: git cannot conflict, so no merge-tree.
        if (![...other.files].some((file) => branch.files.has(file))) continue;
        merges.push({ worker: branch.name, peer: other.name, left: branch.tip, right: other.tip });
      }
      // Against base in the same batch: a merge with a base that moved nothing since the fork is git's quickest, and
      // a process of its own to ask what base changed cost more than the merge.
      if (baseTip !== undefined)
        merges.push({ worker: branch.name, peer: undefined, left: branch.tip, right: baseTip });
    }
    const found = (merge: Merge, files: readonly string[]): void => {
      pairs.set(`${merge.left}:${merge.right}`, files);
      shown.found(merge.worker, merge.peer, files);
    };
    const asked: Merge[] = [];
    for (const merge of merges) {
      const known = this.pairs.get(`${merge.left}:${merge.right}`);
      if (known === undefined) asked.push(merge);
      else found(merge, known);
    }
    // A batch at a time, so what is found shows as it goes.
    for (let start = 0; start < asked.length; start += MERGES_PER_BATCH) {
      const batch = asked.slice(start, start + MERGES_PER_BATCH);
      await this.giveWay();
      const answers = await predictConflictsOf(
        this.repo,
        batch.map((merge) => [merge.left, merge.right] as const),
      );
      batch.forEach((merge, index) => found(merge, answers[index] ?? []));
    }
    // Only the pairs of the current tips are kept: the caches never outgrow the fleet.
    this.pairs = pairs;
    this.lastSignature = signature;
    shown.end();
  }
}

function activeBranches(workers: readonly WorkerModel[]): Branch[] {
  return workers.flatMap((worker) => {
    const tip = worker.git.lastCommit?.sha;
    const live = worker.launchedAt !== undefined && !worker.memory.stopped && worker.git.commitsAhead > 0;
    return live && tip !== undefined ? [{ name: worker.spec.name, tip, files: new Set(worker.git.filesChanged) }] : [];
  });
}

function pairKey(worker: string, peer: string | undefined): string {
  return `${worker}\0${peer ?? ''}`;
}

/**
 * What one prediction shows while it runs: the pairs it has looked at, and for the others the conflicts shown before
 * (a branch that moved most likely still conflicts, and an alert that went and came back would be news twice).
 */
class Shown {
  private readonly looked = new Map<string, PredictedConflict | undefined>();
  private readonly before: ReadonlyMap<string, PredictedConflict>;
  /** What was found differs from what the model holds. */
  private changed: boolean;
  private shownAt = 0;
  private partial: boolean;

  constructor(
    store: ModelStore,
    active: readonly Branch[],
    private readonly show: (conflicts: readonly PredictedConflict[], partial: boolean) => void,
  ) {
    const names = new Set(active.map((branch) => branch.name));
    const held = store.model.conflicts ?? [];
    this.before = new Map(
      held
        .filter((conflict) => names.has(conflict.worker) && (conflict.peer === undefined || names.has(conflict.peer)))
        .map((conflict) => [pairKey(conflict.worker, conflict.peer), conflict]),
    );
    // A worker that stopped or has no commit left takes its conflicts with it.
    this.changed = this.before.size !== held.length;
    // A prediction that failed after showing part of its work left it partial: this one ends that.
    this.partial = store.model.conflictsPartial === true;
  }

  found(worker: string, peer: string | undefined, files: readonly string[]): void {
    const key = pairKey(worker, peer);
    const conflict = files.length > 0 ? { worker, peer, files } : undefined;
    this.looked.set(key, conflict);
    if (sameFiles(this.before.get(key)?.files, conflict?.files)) return;
    this.changed = true;
    if (Date.now() - this.shownAt >= SHOW_EVERY_MS) this.showAll(this.waiting(), true);
  }

  /**
   * Shows the whole prediction when it differs from what the model holds (pairs no longer looked at are gone), or
   * when part of it was shown.
   */
  end(): void {
    if (this.changed || this.partial || this.waiting().length > 0) this.showAll([], false);
  }

  /** Conflicts shown before whose pair this prediction has not looked at (yet). */
  private waiting(): PredictedConflict[] {
    return [...this.before].filter(([key]) => !this.looked.has(key)).map(([, conflict]) => conflict);
  }

  private showAll(waiting: readonly PredictedConflict[], partial: boolean): void {
    const found = [...this.looked.values()].filter((conflict) => conflict !== undefined);
    this.changed = false;
    this.partial = partial;
    this.shownAt = Date.now();
    this.show([...found, ...waiting], partial);
  }
}

function sameFiles(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a === b || (a?.length === b?.length && (a ?? []).every((file, index) => file === b?.[index]));
}
