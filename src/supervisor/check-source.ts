import path from 'node:path';
import { runCheck } from '../adapters/checks.js';
import { detachedCheckout } from '../adapters/git.js';
import { checkLogFile } from '../domain/paths.js';
import type { WorkerSpec } from '../domain/config-types.js';
import type { CheckRunObservation } from '../domain/verification.js';
import type { Fleet } from '../launch/fleet.js';

interface Pending {
  readonly spec: WorkerSpec;
  readonly sha: string;
}

/**
 * The source of check observations: runs a worker's checks on one commit in the worker's own detached checkout
 * under the state dir (never in the worker's worktree), at most `policy.check_concurrency` runs at once across the
 * fleet, and reports each run as a `CheckRunObservation` keyed by worker and commit. A newer commit of the same
 * worker replaces a queued run and aborts a running one: only the tip's verdict matters.
 */
export class CheckSource {
  private readonly pending: Pending[] = [];
  private readonly running = new Map<string, { sha: string; controller: AbortController }>();
  private readonly latest = new Map<string, CheckRunObservation>();
  /** Slots lent to runs outside the workers' (the integration's checks), and who waits for one. */
  private borrowed = 0;
  private readonly waiting: (() => void)[] = [];
  private stopped = false;

  /** `changed` only wakes the loop: the loop reads `results()` while it observes, so no result lands mid-pass. */
  constructor(
    private readonly fleet: Fleet,
    private readonly changed: () => void,
  ) {}

  /** The latest word on each worker's checks. */
  results(): ReadonlyMap<string, CheckRunObservation> {
    return this.latest;
  }

  private observe(worker: string, observation: CheckRunObservation): void {
    this.latest.set(worker, observation);
    this.changed();
  }

  request(spec: WorkerSpec, sha: string): void {
    if (this.stopped) return;
    const queued = this.pending.findIndex((item) => item.spec.name === spec.name);
    if (queued >= 0) this.pending.splice(queued, 1);
    const current = this.running.get(spec.name);
    if (current?.sha === sha) return;
    current?.controller.abort();
    this.pending.push({ spec, sha });
    this.pump();
  }

  /**
   * Runs `fn` in one of the fleet's `check_concurrency` slots, ahead of the workers' queued runs: the integration's
   * checks share the limit with the workers', or a sprint's end would run more checks at once than the person allowed.
   */
  async withSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.waiting.length === 0 && this.busySlots() < this.limit()) this.borrowed += 1;
    // The slot is taken for the waiter before it wakes (see `release`), so no worker run can slip in between.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      this.borrowed -= 1;
      this.release();
    }
  }

  /** Aborts every run (their process groups are killed) and takes no more; waiting borrowers go on. */
  stop(): void {
    this.stopped = true;
    this.pending.length = 0;
    for (const run of this.running.values()) run.controller.abort();
    for (const wake of this.waiting.splice(0)) {
      this.borrowed += 1;
      wake();
    }
  }

  private limit(): number {
    return this.fleet.config.policy.checkConcurrency;
  }

  private busySlots(): number {
    return this.running.size + this.borrowed;
  }

  /** A slot came free: a waiting borrower first, then the workers' queue. */
  private release(): void {
    while (this.waiting.length > 0 && this.busySlots() < this.limit()) {
      this.borrowed += 1;
      this.waiting.shift()?.();
    }
    this.pump();
  }

  private pump(): void {
    // A worker's next run waits for its aborted one to finish: they share one checkout.
    while (this.waiting.length === 0 && this.busySlots() < this.limit()) {
      const next = this.pending.findIndex((item) => !this.running.has(item.spec.name));
      if (next < 0) return;
      const [item] = this.pending.splice(next, 1);
      if (item === undefined) return;
      const controller = new AbortController();
      this.running.set(item.spec.name, { sha: item.sha, controller });
      void this.runAll(item, controller.signal).finally(() => {
        this.running.delete(item.spec.name);
        this.release();
      });
    }
  }

  private async runAll({ spec, sha }: Pending, signal: AbortSignal): Promise<void> {
    const { log, paths, config } = this.fleet;
    this.observe(spec.name, { sha, status: 'running', at: Date.now() });
    const logFile = checkLogFile(paths, spec.name, sha);
    try {
      const checkout = path.join(paths.checkouts, spec.name);
      await detachedCheckout(config.repo, checkout, sha);
      await log.emit('checks_started', `running ${spec.checks.map((check) => check.name).join(', ')} on ${sha.slice(0, 12)} in ${checkout}`, spec.name, { sha, logFile });
      for (const check of spec.checks) {
        if (signal.aborted) return;
        const result = await runCheck({ name: check.name, run: check.run, cwd: checkout, timeoutMs: check.timeoutMs, logFile, env: { CZAR_WORKER: spec.name, CZAR_SHA: sha }, signal });
        // A newer commit replaced this run: its verdict no longer speaks about the tip.
        if (signal.aborted) return;
        if (!result.ok) {
          const failure = { name: result.name, run: result.run, exitCode: result.exitCode, timedOut: result.timedOut, tail: result.tail, logFile };
          await log.emit('checks_failed', `check "${check.name}" failed on ${sha.slice(0, 12)} after ${result.durationMs} ms (${result.timedOut ? 'timed out' : `exit ${result.exitCode ?? 'by signal'}`})`, spec.name, { sha, check: check.name, logFile });
          this.observe(spec.name, { sha, status: 'failed', failure, at: Date.now() });
          return;
        }
      }
      await log.emit('checks_passed', `all ${spec.checks.length} check(s) passed on ${sha.slice(0, 12)}`, spec.name, { sha, logFile });
      this.observe(spec.name, { sha, status: 'passed', at: Date.now() });
    } catch (error) {
      // czar's own trouble (the checkout), not the worker's: say so in the log and leave the verdict open.
      await log.emit('checks_error', `could not run the checks on ${sha.slice(0, 12)}: ${error instanceof Error ? error.message : String(error)}`, spec.name, { sha });
    }
  }
}
