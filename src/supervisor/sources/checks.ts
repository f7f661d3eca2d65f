import path from 'node:path';
import { reapRun } from '../../adapters/check-processes.js';
import { runCheck } from '../../adapters/checks.js';
import { detachedCheckout } from '../../adapters/git-worktrees.js';
import { readJson, writeJsonAtomic } from '../../adapters/state-files.js';
import { checkLogFile, checkRunFile, checkVerdictsFile } from '../../domain/model/paths.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import { CzarError } from '../../domain/model/errors.js';
import { checkKey, keptRun, verdictFor, type CheckVerdict } from '../../domain/policy/verification.js';
import type { CheckRunObservation } from '../../domain/model/observations.js';
import type { Fleet } from '../../fleet/handle.js';
import { judgingPlaceOf } from '../../launch/places.js';
import type { CheckSlots } from './check-slots.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/** Verdicts kept per worker: enough for every commit a sprint judges, bounded against a worker committing forever. */
const KEPT_VERDICTS = 200;

interface Pending {
  readonly spec: WorkerSpec;
  readonly sha: string;
}

/**
 * The source of check observations: runs a worker's checks on one commit in the worker's own detached checkout
 * under the state dir (never in the worker's worktree), in the fleet's shared check slots, and reports each run as a `CheckRunObservation` keyed by worker and commit. A newer commit of the same
 * worker replaces a queued run and aborts a running one: only the tip's verdict matters. Each check's verdict is kept
 * on disk by (worker, check, commit), so a restarted czar neither runs a check again nor judges a commit twice.
 */
export class CheckSource implements Source {
  readonly name = 'checks';
  private readonly pending: Pending[] = [];
  private readonly running = new Map<string, { sha: string; controller: AbortController }>();
  private readonly latest = new Map<string, CheckRunObservation>();
  private readonly verdicts = new Map<string, readonly CheckVerdict[]>();
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
   * Kills what a czar that died mid-check left running (its run is judged again here, in the same checkout), then
   * reads the verdicts it kept: a worker's newest commit that every check judged is its latest word.
   */
  async restore(specs: readonly WorkerSpec[]): Promise<void> {
    for (const spec of specs) {
      await reapRun(checkRunFile(this.fleet.paths, spec.name));
      const kept = await readJson<unknown>(checkVerdictsFile(this.fleet.paths, spec.name)).catch(() => undefined);
      if (!Array.isArray(kept)) continue;
      const verdicts = kept.filter(isVerdict);
      this.verdicts.set(spec.name, verdicts);
      const run = keptRun(spec.checks, verdicts);
      if (run !== undefined) this.latest.set(spec.name, run);
    }
  }

  /** Writes the latest word on each worker's checks into the model. */
  poll(store: ModelStore): Promise<void> {
    for (const [name, checkRun] of this.latest)
      store.update(name, (model) => (model.checkRun === checkRun ? model : { ...model, checkRun }));
    return Promise.resolve();
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

  /** Aborts every run (their process groups are killed) and takes no more. */
  stop(): void {
    this.stopped = true;
    this.pending.length = 0;
    for (const run of this.running.values()) run.controller.abort();
  }

  private pump(): void {
    for (;;) {
      // A worker's next run waits for its aborted one to finish: they share one checkout.
      const next = this.pending.findIndex((item) => !this.running.has(item.spec.name));
      if (next < 0 || !this.slots.tryTake()) return;
      const [item] = this.pending.splice(next, 1);
      if (item === undefined) return;
      const controller = new AbortController();
      this.running.set(item.spec.name, { sha: item.sha, controller });
      void this.runAll(item, controller.signal).finally(() => {
        this.running.delete(item.spec.name);
        this.slots.release();
      });
    }
  }

  private async runAll({ spec, sha }: Pending, signal: AbortSignal): Promise<void> {
    const { log, paths, config } = this.fleet;
    this.observe(spec.name, { sha, status: 'running', at: Date.now() });
    const logFile = checkLogFile(paths, spec.name, sha);
    // A check that passed on this commit before (an earlier czar ran it) is not run again.
    const toRun = spec.checks.filter(
      (check) => verdictFor(this.verdicts.get(spec.name) ?? [], check, sha)?.ok !== true,
    );
    try {
      const checkout = path.join(paths.checkouts, spec.name);
      const box = toRun.length === 0 ? undefined : await this.boxFor(spec, sha, checkout);
      if (box === 'unrun') return;
      if (toRun.length > 0) {
        await detachedCheckout(config.repo, checkout, sha);
        await log.emit(
          'checks_started',
          `running ${toRun.map((check) => check.name).join(', ')} on ${sha.slice(0, 12)} in ${checkout}`,
          spec.name,
          { sha, logFile },
        );
      }
      for (const [index, check] of toRun.entries()) {
        if (signal.aborted) return;
        const runFile = checkRunFile(paths, spec.name);
        // A run of this commit again (after a restart or an abort) starts its log afresh.
        const result = await runCheck({
          name: check.name,
          run: check.run,
          cwd: checkout,
          timeoutMs: check.timeoutMs,
          logFile,
          fresh: index === 0,
          runFile,
          env: { CZAR_WORKER: spec.name, CZAR_SHA: sha },
          box,
          signal,
        });
        // A newer commit replaced this run: its verdict no longer speaks about the tip.
        if (signal.aborted) return;
        const failure = result.ok
          ? undefined
          : {
              name: result.name,
              run: result.run,
              exitCode: result.exitCode,
              timedOut: result.timedOut,
              tail: result.tail,
              logFile,
            };
        await this.keep(spec.name, { sha, key: checkKey(check), ok: result.ok, failure, at: Date.now() });
        if (failure !== undefined) {
          await log.emit(
            'checks_failed',
            `check "${check.name}" failed on ${sha.slice(0, 12)} after ${result.durationMs} ms (${result.timedOut ? 'timed out' : `exit ${result.exitCode ?? 'by signal'}`})`,
            spec.name,
            { sha, check: check.name, logFile },
          );
          this.observe(spec.name, { sha, status: 'failed', failure, at: Date.now() });
          return;
        }
      }
      const kept = spec.checks.length - toRun.length;
      await log.emit(
        'checks_passed',
        `all ${spec.checks.length} check(s) passed on ${sha.slice(0, 12)}${kept > 0 ? ` (${kept} passed there before and did not run again)` : ''}`,
        spec.name,
        { sha, logFile },
      );
      this.observe(spec.name, { sha, status: 'passed', at: Date.now() });
    } catch (error) {
      // czar's own trouble (the checkout), not the worker's: say so in the log and leave the verdict open.
      await log.emit(
        'checks_error',
        `could not run the checks on ${sha.slice(0, 12)}: ${error instanceof Error ? error.message : String(error)}`,
        spec.name,
        { sha },
      );
    }
  }

  /**
   * The box the worker's checks run in (undefined: as they are), or `unrun` when its code must be judged in a box and
   * there is none to be had: then they are not run at all, and the model says why.
   */
  private async boxFor(
    spec: WorkerSpec,
    sha: string,
    checkout: string,
  ): Promise<readonly string[] | undefined | 'unrun'> {
    try {
      return await judgingPlaceOf(spec).checkBox(this.fleet, spec, checkout);
    } catch (error) {
      if (!(error instanceof CzarError) || error.code !== 'sandbox_unavailable') throw error;
      await this.fleet.log.emit(
        'checks_unrun',
        `did not run the checks on ${sha.slice(0, 12)}: ${error.message}`,
        spec.name,
        {
          sha,
        },
      );
      this.observe(spec.name, { sha, status: 'unrun', why: error.message, at: Date.now() });
      return 'unrun';
    }
  }

  /** Adds a verdict to the worker's kept ones, on disk before it counts. */
  private async keep(worker: string, verdict: CheckVerdict): Promise<void> {
    const verdicts = [
      ...(this.verdicts.get(worker) ?? []).filter((other) => other.sha !== verdict.sha || other.key !== verdict.key),
      verdict,
    ].slice(-KEPT_VERDICTS);
    this.verdicts.set(worker, verdicts);
    await writeJsonAtomic(checkVerdictsFile(this.fleet.paths, worker), verdicts);
  }
}

/** The verdicts file is czar's own, but a hand edit or a torn disk must not make a check pass: shape-checked. */
function isVerdict(value: unknown): value is CheckVerdict {
  if (typeof value !== 'object' || value === null) return false;
  const verdict = value as Record<string, unknown>;
  return (
    typeof verdict.sha === 'string' &&
    typeof verdict.key === 'string' &&
    typeof verdict.ok === 'boolean' &&
    typeof verdict.at === 'number' &&
    (verdict.ok || typeof verdict.failure === 'object')
  );
}
