import path from 'node:path';
import { readJson, writeJsonAtomic } from '../../adapters/state-files.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { WorkerMemory } from '../../domain/model/model.js';
import type { ReviewObservation } from '../../domain/model/observations.js';
import { reapRun } from '../../adapters/check-processes.js';
import { reviewDir, reviewRunFile } from '../../domain/model/paths.js';
import { reviewSpendEntries, ReviewUsageSchema, type ReviewSpendEntry } from '../../domain/usage/review-usage.js';
import { ReviewFindingSchema } from '../../domain/model/review-verdict.js';
import type { Fleet } from '../../fleet/handle.js';
import type { CheckSlots } from './check-slots.js';
import type { ModelStore } from './model-store.js';
import { runReview, type ReviewRequest } from './review-run.js';
import type { Source } from './source.js';

/** Verdicts kept per worker: every commit a sprint reviews, bounded against a worker committing forever. */
const KEPT_VERDICTS = 100;

/** A kept review: the observation and the round it answered. */
interface KeptReview {
  readonly round: number;
  readonly observation: ReviewObservation;
}

interface Pending {
  readonly spec: WorkerSpec;
  readonly sha: string;
  readonly round: number;
}

/**
 * The source of review observations: reviews a worker's commit in a detached checkout czar owns (never the worker's
 * worktree), in the fleet's shared check slots, and reports each as a `ReviewObservation` keyed by worker and commit.
 * A newer commit replaces a queued review; a running one finishes (its verdict speaks about its own commit only).
 * Verdicts are kept on disk, so a restarted czar does not review a commit again.
 */
export class ReviewSource implements Source {
  readonly name = 'reviews';
  private readonly pending: Pending[] = [];
  private readonly running = new Set<string>();
  private readonly kept = new Map<string, readonly KeptReview[]>();
  private readonly spending = new Map<
    string,
    {
      readonly reviews: readonly KeptReview[];
      readonly tasks: WorkerMemory['tasks'];
      readonly entries: readonly ReviewSpendEntry[] | undefined;
    }
  >();
  private stopped = false;

  /** `changed` only wakes the loop: results reach the model when the loop polls, so no result lands mid-pass. */
  constructor(
    private readonly fleet: Fleet,
    private readonly slots: CheckSlots,
    private readonly changed: () => void,
  ) {
    slots.onFreed(() => this.pump());
  }

  /**
   * Stops a reviewer an earlier czar left running (killed mid-review, it would spend on past its timeout while this
   * czar reviews the same commit again), then reads the reviews that czar kept: each worker's newest is its latest word.
   */
  async restore(specs: readonly WorkerSpec[]): Promise<void> {
    for (const spec of specs) {
      await reapRun(reviewRunFile(this.fleet.paths, spec.name));
      const kept = await readJson<unknown>(this.verdictsFile(spec.name)).catch(() => undefined);
      if (Array.isArray(kept)) this.kept.set(spec.name, kept.filter(isKeptReview));
    }
  }

  /** Writes the latest word on each worker's review, and what its reviews spent, into the model. */
  poll(store: ModelStore): Promise<void> {
    for (const [name, reviews] of this.kept) {
      const reviewRun = reviews.at(-1)?.observation;
      if (reviewRun !== undefined)
        store.update(name, (model) => (model.reviewRun === reviewRun ? model : { ...model, reviewRun }));
      store.update(name, (model) => {
        const reviewUsage = this.spent(name, reviews, model.memory.tasks);
        return model.reviewUsage === reviewUsage ? model : { ...model, reviewUsage };
      });
    }
    return Promise.resolve();
  }

  /** The reviews' usage per task, worked out again only when the reviews or the tasks changed. */
  private spent(
    worker: string,
    reviews: readonly KeptReview[],
    tasks: WorkerMemory['tasks'],
  ): readonly ReviewSpendEntry[] | undefined {
    const known = this.spending.get(worker);
    if (known?.reviews === reviews && known.tasks === tasks) return known.entries;
    // Dated as the usage source dates record lines: a later task starts at its first confirmed paste.
    const dated = tasks.map((task, index) => ({
      id: task.id,
      at: index === 0 ? task.at : (task.deliveredAt ?? task.at),
    }));
    const found = reviewSpendEntries(
      reviews.map((kept) => kept.observation),
      dated,
    );
    const entries = found.length === 0 ? undefined : found;
    this.spending.set(worker, { reviews, tasks, entries });
    return entries;
  }

  /** `again` (the person's retry) runs the review even where a verdict of `sha` is kept. */
  request(spec: WorkerSpec, sha: string, round: number, again = false): void {
    if (this.stopped || spec.review === undefined) return;
    const queued = this.pending.findIndex((item) => item.spec.name === spec.name);
    if (queued >= 0) this.pending.splice(queued, 1);
    // A commit reviewed before (by an earlier czar) is not reviewed again: its kept verdict stands.
    const done = this.kept.get(spec.name)?.findLast((kept) => kept.observation.sha === sha);
    if (!again && done !== undefined && done.observation.status !== 'running') {
      this.record(spec.name, done);
      return;
    }
    this.pending.push({ spec, sha, round });
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.pending.length = 0;
  }

  /**
   * A review whose outcome could not be written: said, unless the czar is stopping (its state dir may be gone), and
   * the next czar reviews the commit again, as no verdict of it was kept.
   */
  private async unrecorded(worker: string, error: unknown): Promise<void> {
    if (this.stopped) return;
    const message = `the review of ${worker} could not be recorded: ${error instanceof Error ? error.message : String(error)}`;
    await this.fleet.log.emit('czar_error', message, worker).catch(() => undefined);
  }

  private pump(): void {
    for (;;) {
      const next = this.pending.findIndex((item) => !this.running.has(item.spec.name));
      if (next < 0 || !this.slots.tryTake()) return;
      const [item] = this.pending.splice(next, 1);
      if (item === undefined) return;
      this.running.add(item.spec.name);
      void this.review(item)
        .catch((error: unknown) => this.unrecorded(item.spec.name, error))
        .finally(() => {
          this.running.delete(item.spec.name);
          this.slots.release();
          this.pump();
        });
    }
  }

  private async review({ spec, sha, round }: Pending): Promise<void> {
    const review = spec.review;
    if (review === undefined) return;
    const { log } = this.fleet;
    this.record(spec.name, { round, observation: { sha, status: 'running', at: Date.now() } });
    await log.emit(
      'review_started',
      `${review.agent.name} reviews ${sha.slice(0, 12)} (round ${round} of ${review.maxRounds})`,
      spec.name,
      { sha },
    );
    const request: ReviewRequest = { spec, review, sha, round, earlier: this.earlier(spec.name, round) };
    const started = Date.now();
    const observation = await runReview(this.fleet, request);
    const took = `${Date.now() - started} ms`;
    await log.emit(
      `review_${observation.status}`,
      observation.status === 'failed'
        ? `the review of ${sha.slice(0, 12)} gave no verdict after ${took}: ${observation.problem ?? ''}`
        : `${review.agent.name} ${observation.status === 'approved' ? 'approved' : 'asked for changes on'} ${sha.slice(0, 12)} after ${took} (${observation.findings?.length ?? 0} finding(s))`,
      spec.name,
      { sha, transcript: observation.transcript },
    );
    this.record(spec.name, { round, observation });
    await writeJsonAtomic(this.verdictsFile(spec.name), this.kept.get(spec.name) ?? []);
  }

  /** The rounds before `round` that asked for changes, oldest first, for the prompt. */
  private earlier(worker: string, round: number): ReviewRequest['earlier'] {
    const sentBack = (this.kept.get(worker) ?? []).filter(
      (kept) => kept.round < round && kept.observation.status === 'changes_requested',
    );
    return sentBack.slice(-(round - 1)).map(({ observation }) => ({
      sha: observation.sha,
      summary: observation.summary ?? '',
      findings: observation.findings ?? [],
    }));
  }

  /** Keeps `kept` as the newest word; it replaces only a running review of its commit, so a retried one still counts. */
  private record(worker: string, kept: KeptReview): void {
    const { sha } = kept.observation;
    const replaced = (other: KeptReview): boolean =>
      other === kept || (other.observation.sha === sha && other.observation.status === 'running');
    const reviews = [...(this.kept.get(worker) ?? []).filter((other) => !replaced(other)), kept].slice(-KEPT_VERDICTS);
    this.kept.set(worker, reviews);
    this.changed();
  }

  private verdictsFile(worker: string): string {
    return path.join(reviewDir(this.fleet.paths, worker), 'verdicts.json');
  }
}

/** The kept file is czar's own, but a hand edit or a torn disk must not make a review approve: shape-checked. */
function isKeptReview(value: unknown): value is KeptReview {
  if (typeof value !== 'object' || value === null) return false;
  const { round, observation } = value as Record<string, unknown>;
  if (typeof round !== 'number' || typeof observation !== 'object' || observation === null) return false;
  const seen = observation as Record<string, unknown>;
  return (
    typeof seen.sha === 'string' &&
    typeof seen.at === 'number' &&
    ['approved', 'changes_requested', 'failed'].includes(String(seen.status)) &&
    (seen.findings === undefined || ReviewFindingSchema.array().safeParse(seen.findings).success) &&
    (seen.usage === undefined || ReviewUsageSchema.array().safeParse(seen.usage).success)
  );
}
