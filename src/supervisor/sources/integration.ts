import { modifiedAtSync } from '../../adapters/file-system.js';
import { candidatesOf, type IntegrationRecord } from '../../domain/policy/integration-plan.js';
import type { FleetModel } from '../../domain/model/model.js';
import type { IntegrationObservation } from '../../domain/model/observations.js';
import { reviewVerdictPost } from '../../domain/policy/pull-request.js';
import { reviewState } from '../../domain/policy/review.js';
import { writeHandoff } from '../../integration/handoff.js';
import {
  openWorkerPullRequests,
  openIntegrationPullRequest,
  postReviewVerdicts,
  readPullRequests,
  type VerdictPost,
} from '../../integration/pull-requests.js';
import { runIntegrationChecks } from '../../integration/run-checks.js';
import { integrationCheckBox } from '../../launch/check-box.js';
import { candidatesWithTips, integrationPaths, readIntegrationRecord } from '../../integration/candidates.js';
import { runIntegration } from '../../integration/runner.js';
import type { RunChecks } from '../../integration/run-results.js';
import type { Fleet } from '../../fleet/handle.js';
import { plainTask } from '../../launch/prompts.js';
import type { CheckSlots } from './check-slots.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

const RECORD_READ_MS = 5_000;

/**
 * The integration branch as a source of the reconcile loop: its record is read into the model before `decide()`
 * like any other source's facts, and a run starts when `decide()` asks for one (one at a time; the runner's lock
 * serialises with `czar integrate`); how the run went is written back into the model. The record on disk is the
 * truth; the model holds the latest copy.
 */
export class IntegrationSource implements Source {
  readonly name = 'integration';
  private running: Promise<void> | undefined;
  /** Pull requests opened after a run, which the handoff waits for. */
  private opening: Promise<void> | undefined;
  private lastRead = 0;
  /** The record file's modification time when it was last read. */
  private recordChangedAt: number | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
    /** Asks for another pass: a run finished, so there are new facts. */
    private readonly schedule: () => void,
    /** The fleet's check slots, shared with the workers' checks, and the czar's halt, which kills checks in flight. */
    private readonly checks: { readonly slots: CheckSlots; readonly halt: AbortSignal },
  ) {}

  private readonly runChecks: RunChecks = (checks, cwd, logDir, runFile) =>
    this.checks.slots.withSlot(async () =>
      runIntegrationChecks(checks, cwd, logDir, runFile, this.checks.halt, await integrationCheckBox(this.fleet, cwd)),
    );

  async start(): Promise<void> {
    const plainShells = this.fleet.config.workers.filter((spec) => plainTask(spec)).map((spec) => spec.name);
    const record = await readIntegrationRecord(this.fleet);
    const { branches: pullRequests } = await readPullRequests(this.fleet);
    const { branch } = this.fleet.config.integration;
    this.store.change((model) => ({
      ...model,
      integration: {
        branch,
        record: undefined,
        running: false,
        failures: 0,
        failedAt: 0,
        lastAttempt: '',
        plainShells,
        pullRequests,
        pullRequestsWhen: this.fleet.config.pr.when,
      },
    }));
    this.remember(record);
  }

  /**
   * The sprint is over: once the last run is done, HANDOFF.md is written and, when `decide()` asked for it, the one
   * pull request for the integration branch is opened. Returns the handoff's path.
   */
  async sprintOver(pullRequest: boolean): Promise<string> {
    await this.idle();
    const { file, facts } = await writeHandoff(this.fleet);
    this.see({ handoff: facts });
    await this.fleet.log.emit('handoff', `wrote ${file}`);
    if (pullRequest) {
      await openIntegrationPullRequest(this.fleet, file);
      this.see({ pullRequests: (await readPullRequests(this.fleet)).branches });
    }
    this.schedule();
    return file;
  }

  /** Writes what the source saw of the branch and its run into the model. */
  private see(change: Partial<IntegrationObservation>): void {
    this.store.change((model) =>
      model.integration === undefined ? model : { ...model, integration: { ...model.integration, ...change } },
    );
  }

  /** Keeps the latest record, and tells the model which tips the integration branch holds when that changes. */
  private remember(record: IntegrationRecord | undefined): void {
    if (record !== this.current()) this.see({ record });
    const tips = (record?.merged ?? []).map((entry) => entry.tip);
    const known = this.store.model.mergedTips ?? [];
    if (tips.length !== known.length || tips.some((tip, index) => tip !== known[index]))
      this.store.change((model) => ({ ...model, mergedTips: tips }));
  }

  /** The latest record (for the handoff). */
  private current(): IntegrationRecord | undefined {
    return this.store.model.integration?.record;
  }

  /** Waits for a run in progress and the pull requests after it (stop, handoff). */
  async idle(): Promise<void> {
    while (this.running !== undefined || this.opening !== undefined) await (this.running ?? this.opening);
  }

  /** `czar integrate` by hand writes the same record: it is read again now and then, so its failures get fix-ups too. */
  async poll(): Promise<void> {
    const now = Date.now();
    if (this.running !== undefined || now - this.lastRead < RECORD_READ_MS) return;
    this.lastRead = now;
    // Read again only once the file moved: a quiet fleet's record stays put for hours.
    const changedAt = modifiedAtSync(integrationPaths(this.fleet).record);
    if (changedAt === this.recordChangedAt) return;
    this.recordChangedAt = changedAt;
    this.remember(await readIntegrationRecord(this.fleet));
  }

  /** Runs the integration branch for the merges `decide()` named (`worker@tip`, spaces between). */
  run(attempt: string): void {
    const previous = this.running ?? Promise.resolve();
    const run = previous
      .then(() => runIntegration(this.fleet, async () => candidatesOf(this.store.model, new Set()), this.runChecks))
      .then(
        (result) => {
          this.remember(result.record);
          // The run reads the candidates again as it starts: a merge the attempt named but the run never tried (its
          // worker was sent back to work in between) is not a failed set, and is tried once it is ready again.
          this.finished(run, {
            failures: 0,
            failedAt: 0,
            lastAttempt: triedAll(attempt, result.record) ? attempt : '',
            failure: undefined,
          });
        },
        async (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          const failures = this.failed(attempt, reason);
          this.finished(run, failures);
          await this.fleet.log.emit(
            'integration_error',
            `integration run failed (${failures.failures} in a row): ${reason}`,
          );
        },
      );
    this.running = run;
  }

  /** The run is over: the model says so in the same step, so `decide()` may ask for the next. */
  private finished(run: Promise<void>, outcome: RunOutcome) {
    if (this.running === run) this.running = undefined;
    this.see({ ...outcome, running: this.running !== undefined });
    this.schedule();
  }

  /**
   * A run failed without a verdict on any branch: the model holds the count, when, the error and the workers held
   * up, from which `decide()` tries the same merges again after its backoff and raises the alert once it keeps
   * failing.
   */
  private failed(attempt: string, reason: string): RunOutcome {
    const seen = this.store.model.integration;
    const failures = (seen?.failures ?? 0) + 1;
    const attempted = attempt.split(' ').map((merge) => merge.slice(0, merge.lastIndexOf('@')));
    const workers = [...new Set([...(seen?.failure?.workers ?? []), ...attempted])];
    return {
      failures,
      failedAt: Date.now(),
      lastAttempt: '',
      failure: { reason, workers },
    };
  }

  /** Opens the pull requests `decide()` found due, after the run in progress if any; the handoff waits for them. */
  openPullRequests(workers: readonly string[]): void {
    const previous = this.opening ?? this.running ?? Promise.resolve();
    const opening = previous
      .then(() => this.open(workers))
      .catch(async (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        await this.fleet.log.emit('integration_error', `could not open the pull requests: ${reason}`);
      })
      .finally(() => {
        if (this.opening === opening) this.opening = undefined;
        this.schedule();
      });
    this.opening = opening;
  }

  /** The workers' pull requests (their result files from their reports), then the reviewers' verdicts. */
  private async open(workers: readonly string[]): Promise<void> {
    const model = this.store.model;
    const results = new Map(
      model.workers.flatMap((worker) =>
        worker.report?.resultFile === undefined ? [] : [[worker.spec.name, worker.report.resultFile] as const],
      ),
    );
    const due = candidatesOf(model, new Set()).filter((candidate) => workers.includes(candidate.worker));
    await openWorkerPullRequests(this.fleet, await candidatesWithTips(this.fleet, due), results);
    await postReviewVerdicts(this.fleet, verdictPosts(model));
    this.see({ pullRequests: (await readPullRequests(this.fleet)).branches });
  }
}

/** What a finished run changes in the model. */
type RunOutcome = Pick<IntegrationObservation, 'failures' | 'failedAt' | 'lastAttempt' | 'failure'>;

/** Every `worker@tip` of an attempt is in the record, merged or failed. */
function triedAll(attempt: string, record: IntegrationRecord): boolean {
  const tried = new Set([...record.merged, ...record.failed].map((entry) => `${entry.worker}@${entry.tip}`));
  return attempt.split(' ').every((merge) => tried.has(merge));
}

/** The reviewers' verdicts on the workers' tips, as they go on the workers' pull requests. */
function verdictPosts(model: FleetModel): VerdictPost[] {
  return model.workers.flatMap((worker) => {
    const review = reviewState(worker);
    if (review?.sha === undefined || (review.state !== 'approved' && review.state !== 'changes_requested')) return [];
    const body = reviewVerdictPost({ ...review, sha: review.sha, approved: review.state === 'approved' });
    return [{ branch: worker.spec.branch, worker: worker.spec.name, sha: review.sha, body }];
  });
}
