import { branchTips, changedSinceFork, predictConflicts } from '../adapters/git.js';
import type { PredictedConflict } from '../domain/observations.js';
import type { WorkerModel } from '../domain/model.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/**
 * How long a pass waits for predictions. Twenty branches changing one file are 190 merges, seconds of git: past
 * this, the prediction goes on beside the passes and asks for one when it is done, so no nudge or task waits for it.
 */
const IN_PASS_MS = 250;

/**
 * The source of conflict predictions. Asked after a pass saw a branch move, it reads every tip in one call and
 * runs `git merge-tree` only where a conflict is possible: two active branches whose changed files overlap, and a
 * branch against base when base changed the same files since the branch forked. Results are cached by the pair of
 * tips, so a branch that did not move costs nothing on the next look.
 */
export class ConflictSource implements Source {
  readonly name = 'conflicts';
  /** `<tip>:<tip>` -> conflicting files (empty: merges cleanly). */
  private pairs = new Map<string, readonly string[]>();
  /** `<branch tip>:<base tip>` -> files base changed since the branch forked. */
  private baseSide = new Map<string, readonly string[]>();
  private lastSignature = '';
  private last: readonly PredictedConflict[] = [];
  /** A prediction that outlasted its pass; the branches looked at meanwhile wait for the pass it asks for. */
  private running: Promise<void> | undefined;

  /** `predicted` asks for a pass when a prediction that outlasted its own pass (`inPassMs`) is done. */
  constructor(
    private readonly repo: string,
    private readonly base: string,
    private readonly predicted: () => void,
    private readonly inPassMs = IN_PASS_MS,
  ) {}

  /** Predicts again after a pass looked at some branch; a failed look keeps the last predictions until the next. */
  async poll(store: ModelStore): Promise<void> {
    if (this.running !== undefined || !store.takeGitLooked()) return;
    // Written into the model as it is when the prediction ends: a delivery confirmed meanwhile stays.
    const prediction = this.predict(store.model.workers).then(
      (conflicts) => store.change((model) => ({ ...model, conflicts })),
      () => undefined,
    );
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.inPassMs)));
    const inPass = await Promise.race([prediction.then(() => true), late]);
    clearTimeout(timer);
    if (inPass) return;
    this.running = prediction.then(() => {
      this.running = undefined;
      this.predicted();
    });
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
