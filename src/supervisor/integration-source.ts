import {
  candidatesOf,
  emptyRecord,
  failureSummary,
  integrationStatus,
  planIntegration,
  type IntegrationRecord,
} from '../domain/integration.js';
import { fixupsOwed, fixupTaskId, giveFixup } from '../domain/integration-fixup.js';
import type { HandoffFacts, IntegrationStatus } from '../domain/status-schema.js';
import { writeHandoff } from '../integration/handoff.js';
import {
  openDuePullRequests,
  openIntegrationPullRequest,
  readPullRequests,
  type PullRequestRecord,
} from '../integration/pull-requests.js';
import { runIntegrationChecks } from '../integration/run-checks.js';
import { candidatesWithTips, readIntegrationRecord } from '../integration/candidates.js';
import { runIntegration } from '../integration/runner.js';
import type { RunChecks } from '../integration/run-results.js';
import type { Fleet } from '../fleet/handle.js';
import { integrationFixupMessage, plainTask } from '../launch/prompts.js';
import type { CheckSlots } from './check-slots.js';
import type { Executor } from './executor.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

const RECORD_READ_MS = 5_000;
/** A run that failed (czar's trouble, not a worker's: a git lock, a full disk) is tried again after 1 s, 2 s, 4 s... */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;
/** ...and after this many failures in a row the workers it holds up carry an alert. */
const ALERT_AFTER_FAILURES = 3;

/** Runs that failed in a row, and when the next may start. */
interface Trouble {
  readonly failures: number;
  readonly retryAt: number;
  readonly alerted: readonly string[];
}

/**
 * The integration branch as a source of the reconcile loop: its record is read before `decide()` like any other
 * source's facts; after each pass it starts a run when a finished branch can go in (one run at a time; the runner's
 * lock serialises with `czar integrate`), and turns recorded failures into fix-up tasks through the pure domain. The
 * record on disk is the truth; this class keeps only the latest copy.
 */
export class IntegrationSource implements Source {
  readonly name = 'integration';
  private record: IntegrationRecord | undefined;
  private running: Promise<void> | undefined;
  /** The merges the last run was started for: the same set is not tried again until something changes. */
  private lastAttempt = '';
  private lastRead = 0;
  private pullRequests: PullRequestRecord = { branches: {} };
  private handoff: HandoffFacts | undefined;
  private trouble: Trouble | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly executor: Executor,
    private readonly store: ModelStore,
    /** Asks for another pass: a run finished, so there are new facts. */
    private readonly schedule: () => void,
    /** The fleet's check slots, shared with the workers' checks, and the czar's halt, which kills checks in flight. */
    private readonly checks: { readonly slots: CheckSlots; readonly halt: AbortSignal },
  ) {}

  private readonly runChecks: RunChecks = (checks, cwd, logDir, runFile) =>
    this.checks.slots.withSlot(() => runIntegrationChecks(checks, cwd, logDir, runFile, this.checks.halt));

  async start(): Promise<void> {
    this.remember(await readIntegrationRecord(this.fleet));
    this.pullRequests = await readPullRequests(this.fleet);
  }

  /**
   * The integration part of status.json. Before the first run there is no record, but every finished worker is
   * still listed, as left out with its reason.
   */
  status(): { integration: IntegrationStatus; handoff?: HandoffFacts } {
    const handoff = this.handoff === undefined ? {} : { handoff: this.handoff };
    const { integration, base } = this.fleet.config;
    const record = this.record ?? emptyRecord(integration.branch, base, '');
    const mergedTips = new Set(record.merged.map((entry) => entry.tip));
    return {
      integration: integrationStatus(record, candidatesOf(this.store.model, mergedTips), this.pullRequests.branches),
      ...handoff,
    };
  }

  /**
   * The sprint is over: once the last run is done, HANDOFF.md is written and, when pull requests are on, the one
   * pull request for the integration branch is opened. Returns the handoff's path.
   */
  async sprintOver(): Promise<string> {
    await this.idle();
    const { file, facts } = await writeHandoff(this.fleet);
    this.handoff = facts;
    await this.fleet.log.emit('handoff', `wrote ${file}`);
    if (this.fleet.config.pr.when !== 'off' && (this.record?.merged.length ?? 0) > 0) {
      await openIntegrationPullRequest(this.fleet, file);
      this.pullRequests = await readPullRequests(this.fleet);
    }
    this.schedule();
    return file;
  }

  /** Keeps the latest record, and tells the model which tips the integration branch holds when that changes. */
  private remember(record: IntegrationRecord | undefined): void {
    this.record = record;
    const tips = (record?.merged ?? []).map((entry) => entry.tip);
    const known = this.store.model.mergedTips ?? [];
    if (tips.length !== known.length || tips.some((tip, index) => tip !== known[index]))
      this.store.change((model) => ({ ...model, mergedTips: tips }));
  }

  /** The latest record (for status and the handoff). */
  current(): IntegrationRecord | undefined {
    return this.record;
  }

  /** Waits for a run in progress (stop, handoff). */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /** `czar integrate` by hand writes the same record: it is read again now and then, so its failures get fix-ups too. */
  async poll(): Promise<void> {
    const now = Date.now();
    if (this.running !== undefined || now - this.lastRead < RECORD_READ_MS) return;
    this.lastRead = now;
    this.remember(await readIntegrationRecord(this.fleet));
  }

  /** Called once per pass, after `decide()`. */
  async afterDecide(now: number): Promise<void> {
    await this.giveFixups(now);
    this.maybeRun(now);
  }

  /**
   * Nothing left that the integration branch does by itself: no run going, no merge to try (a run that failed is
   * tried again), no fix-up owed. Until then the sprint is not over: every finished worker is either in the
   * integration branch or left out for a reason status.json names.
   */
  settled(): boolean {
    if (this.running !== undefined) return false;
    if (this.record !== undefined && fixupsOwed(this.store.model, this.record).length > 0) return false;
    return this.merges().length === 0;
  }

  /** The merges a run would try now (`worker@tip`). */
  private merges(): string[] {
    const record = this.record;
    const mergedTips = new Set((record?.merged ?? []).map((entry) => entry.tip));
    const candidates = candidatesOf(this.store.model, mergedTips);
    return record === undefined
      ? candidates
          .filter((candidate) => candidate.ready && !candidate.merged)
          .map((candidate) => `${candidate.worker}@${candidate.tip ?? ''}`)
      : planIntegration(candidates, record).flatMap((step) =>
          step.kind === 'merge' ? [`${step.worker}@${step.tip}`] : [],
        );
  }

  /** The merges to try now, unless the same set was tried already (it failed; something must change). */
  private nextAttempt(): string | undefined {
    const attempt = this.merges().join(' ');
    return attempt === '' || attempt === this.lastAttempt ? undefined : attempt;
  }

  private maybeRun(now: number): void {
    if (this.running !== undefined || (this.trouble !== undefined && now < this.trouble.retryAt)) return;
    const attempt = this.nextAttempt();
    if (attempt === undefined) return;
    this.lastAttempt = attempt;
    this.running = runIntegration(this.fleet, async () => candidatesOf(this.store.model, new Set()), this.runChecks)
      .then(async (result) => {
        this.remember(result.record);
        // The run reads the candidates again as it starts: a merge the attempt named but the run never tried (its
        // worker was sent back to work in between) is not a failed set, and is tried once it is ready again.
        if (!triedAll(attempt, result.record)) this.lastAttempt = '';
        for (const worker of this.trouble?.alerted ?? []) this.store.clear(worker, 'integration_failed');
        this.trouble = undefined;
        await this.openPullRequests();
      })
      .catch(async (error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.failed(attempt, reason);
        await this.fleet.log.emit(
          'integration_error',
          `integration run failed (${this.trouble?.failures ?? 1} in a row): ${reason}`,
        );
      })
      .finally(() => {
        this.running = undefined;
        this.schedule();
      });
  }

  /**
   * A run failed without a verdict on any branch: the same merges are tried again after a backoff, and once that
   * keeps failing each worker it holds up carries an alert saying why.
   */
  private failed(attempt: string, reason: string): void {
    const failures = (this.trouble?.failures ?? 0) + 1;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (failures - 1));
    this.lastAttempt = '';
    let alerted = this.trouble?.alerted ?? [];
    if (failures >= ALERT_AFTER_FAILURES) {
      const branch = this.fleet.config.integration.branch;
      const message = `czar could not merge into ${branch} ${failures} times in a row (${reason.replace(/\.$/, '')}); it tries again in ${Math.round(delay / 1000)} s, so fix what the error names (a leftover index.lock goes once no git runs there)`;
      alerted = [
        ...new Set([...alerted, ...attempt.split(' ').map((merge) => merge.slice(0, merge.lastIndexOf('@')))]),
      ];
      for (const worker of alerted) this.store.raise(worker, 'integration_failed', message);
    }
    this.trouble = { failures, retryAt: Date.now() + delay, alerted };
  }

  /** Pull requests `pr.when` calls for, after a run (the result files come from the workers' reports). */
  private async openPullRequests(): Promise<void> {
    if (this.fleet.config.pr.when === 'off') return;
    const model = this.store.model;
    const results = new Map(
      model.workers.flatMap((worker) =>
        worker.report?.resultFile === undefined ? [] : [[worker.spec.name, worker.report.resultFile] as const],
      ),
    );
    await openDuePullRequests(
      this.fleet,
      await candidatesWithTips(this.fleet, candidatesOf(model, new Set())),
      results,
    );
    this.pullRequests = await readPullRequests(this.fleet);
  }

  /** Each failure owes its worker one fix-up task, pasted whole, once the worker can take a message. */
  private async giveFixups(now: number): Promise<void> {
    const record = this.record;
    if (record === undefined) return;
    const { config } = this.fleet;
    for (const { worker, entry } of fixupsOwed(this.store.model, record)) {
      const name = worker.spec.name;
      // A plain shell would run the fix-up's prose as commands: its failure stays in status and the handoff instead.
      if (
        plainTask(worker.spec) ||
        worker.pane?.alive !== true ||
        worker.memory.paused ||
        this.store.model.paused ||
        this.executor.busy(name)
      )
        continue;
      const text = await integrationFixupMessage({
        worker: name,
        branch: worker.spec.branch,
        integrationBranch: config.integration.branch,
        failure: entry.failure,
        checks: config.integration.checks,
      });
      const task = {
        id: fixupTaskId(entry),
        title: `Fix-up: merge ${config.integration.branch} into ${worker.spec.branch}`,
        text,
      };
      this.store.change((model) => giveFixup(model, name, task, now, record));
      await this.fleet.log.emit('fixup', `gave fix-up ${task.id}: ${failureSummary(entry.failure)}`, name, {
        task: task.id,
      });
      this.executor.deliverGiven(worker.spec, text, task.id);
    }
  }
}

/** Every `worker@tip` of an attempt is in the record, merged or failed. */
function triedAll(attempt: string, record: IntegrationRecord): boolean {
  const tried = new Set([...record.merged, ...record.failed].map((entry) => `${entry.worker}@${entry.tip}`));
  return attempt.split(' ').every((merge) => tried.has(merge));
}
