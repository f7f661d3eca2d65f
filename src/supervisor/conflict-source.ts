import { branchTips, changedSinceFork, predictConflicts } from '../adapters/git.js';
import type { PredictedConflict } from '../domain/observations.js';
import type { WorkerModel } from '../domain/model.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/**
 * The source of conflict predictions. Asked after a pass saw a branch move, it reads every tip in one call and
 * runs `git merge-tree` only where a conflict is possible: two active branches whose changed files overlap, and a
 * branch against base when base changed the same files since the branch forked. Results are cached by the pair of
 * tips, so a branch that did not move costs nothing on the next look.
 *
 * A prediction runs beside the passes, not inside one: twenty branches touching one file are 190 merges, seconds of
 * git, and a pass that waited for them held back every nudge and bonus task meanwhile. Its result is written into
 * the store when it is ready, and `predicted` asks for the pass that reads it.
 */
export class ConflictSource implements Source {
  readonly name = 'conflicts';
  /** `<tip>:<tip>` -> conflicting files (empty: merges cleanly). */
  private pairs = new Map<string, readonly string[]>();
  /** `<branch tip>:<base tip>` -> files base changed since the branch forked. */
  private baseSide = new Map<string, readonly string[]>();
  private lastSignature = '';
  private last: readonly PredictedConflict[] = [];
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly repo: string,
    private readonly base: string,
    private readonly predicted: () => void,
  ) {}

  /** Starts a prediction after a pass looked at some branch; one asked for while another runs follows it. */
  async poll(store: ModelStore): Promise<void> {
    if (!store.takeGitLooked()) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.predictUntilCurrent(store).finally(() => (this.running = undefined));
  }

  /** Resolves once no prediction runs: the czar stops only after the last one wrote its result. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** A failed look keeps the last predictions until the next. */
  private async predictUntilCurrent(store: ModelStore): Promise<void> {
    do {
      this.again = false;
      const conflicts = await this.predict(store.model.workers).catch(() => undefined);
      if (conflicts === undefined || conflicts === store.model.conflicts) continue;
      // Written into the model as it is now: what other sources wrote meanwhile stays.
      store.change((model) => ({ ...model, conflicts }));
      this.predicted();
    } while (this.again);
  }

  private async predict(workers: readonly WorkerModel[]): Promise<readonly PredictedConflict[]> {
    const tips = await branchTips(this.repo);
    const baseTip = tips.get(this.base);
    const active = workers.flatMap((worker) => {
      const tip = tips.get(worker.spec.branch);
      const live = worker.launchedAt !== undefined && !worker.memory.stopped && worker.git.commitsAhead > 0;
      return live && tip !== undefined
        ? [{ name: worker.spec.name, tip, files: new Set(worker.git.filesChanged) }]
        : [];
    });
    const signature = JSON.stringify([baseTip, active.map((branch) => [branch.name, branch.tip, [...branch.files]])]);
    if (signature === this.lastSignature) return this.last;

    const pairs = new Map<string, readonly string[]>();
    const baseSide = new Map<string, readonly string[]>();
    const conflicts: PredictedConflict[] = [];
    const merge = async (left: string, right: string): Promise<readonly string[]> => {
      const key = `${left}:${right}`;
      const files = this.pairs.get(key) ?? (await predictConflicts(this.repo, left, right));
      pairs.set(key, files);
      return files;
    };
    for (const [index, branch] of active.entries()) {
      for (const other of active.slice(index + 1)) {
        // No file changed on both sides: git cannot conflict, so no merge-tree.
        if (![...other.files].some((file) => branch.files.has(file))) continue;
        const files = await merge(branch.tip, other.tip);
        if (files.length > 0) conflicts.push({ worker: branch.name, peer: other.name, files });
      }
      if (baseTip === undefined) continue;
      const key = `${branch.tip}:${baseTip}`;
      const moved = this.baseSide.get(key) ?? (await changedSinceFork(this.repo, branch.tip, baseTip));
      baseSide.set(key, moved);
      if (!moved.some((file) => branch.files.has(file))) continue;
      const files = await merge(branch.tip, baseTip);
      if (files.length > 0) conflicts.push({ worker: branch.name, peer: undefined, files });
    }
    // Only the pairs of the current tips are kept: the caches never outgrow the fleet.
    this.pairs = pairs;
    this.baseSide = baseSide;
    this.lastSignature = signature;
    this.last = conflicts;
    return conflicts;
  }
}
