import type { IntegrationFailure, IntegrationRecord, PlanStep } from '../domain/policy/integration-plan.js';
import type { CheckSpec } from '../domain/model/config-types.js';

/** One check's outcome, as the integration branch needs it. */
export interface CheckOutcome {
  readonly name: string;
  readonly run: string;
  readonly ok: boolean;
  readonly exitCode: number | undefined;
  readonly timedOut: boolean;
  readonly tail: string;
}

/** Runs the integration checks in a checkout, in order, stopping at the first failure; the run is recorded in `runFile`. */
export type RunChecks = (
  checks: readonly CheckSpec[],
  cwd: string,
  logDir: string,
  runFile: string,
) => Promise<CheckOutcome[]>;

/** What one run did, in order: each line is also an event. */
export type RunEvent =
  | { readonly kind: 'merged'; readonly worker: string; readonly commit: string }
  | { readonly kind: 'undone'; readonly worker: string; readonly failure: IntegrationFailure }
  | { readonly kind: 'base_merged'; readonly commit: string }
  | { readonly kind: 'base_conflict'; readonly files: readonly string[] }
  | { readonly kind: 'base_advanced'; readonly from: string; readonly to: string }
  | { readonly kind: 'base_not_advanced'; readonly reason: string };

export interface RunResult {
  readonly record: IntegrationRecord;
  readonly events: readonly RunEvent[];
  /** The plan as it stands after the run (merged, left out and why). */
  readonly plan: readonly PlanStep[];
}

export function checkFailure(outcomes: readonly CheckOutcome[]): IntegrationFailure | undefined {
  const failed = outcomes.find((outcome) => !outcome.ok);
  return failed === undefined
    ? undefined
    : {
        kind: 'check',
        check: failed.name,
        run: failed.run,
        exitCode: failed.exitCode,
        timedOut: failed.timedOut,
        tail: failed.tail,
      };
}
