import { headRef, revParse } from '../adapters/git.js';
import { predictConflicts } from '../adapters/merge-prediction.js';
import {
  emptyRecord,
  planIntegration,
  type IntegrationCandidate,
  type PlanStep,
} from '../domain/policy/integration-plan.js';
import type { Fleet } from '../fleet/handle.js';
import { candidatesWithTips, readIntegrationRecord } from './candidates.js';

/** What `czar integrate --dry-run` prints: the plan and, per merge, the files git predicts would conflict. */
export interface DryRun {
  /** The integration branch's tip, undefined before its first run (merges are then predicted against base). */
  readonly tip: string | undefined;
  readonly steps: readonly (PlanStep & { readonly predictedConflicts?: readonly string[] })[];
}

/** The plan without touching anything: what `czar integrate --dry-run` shows. */
export async function dryRun(fleet: Fleet, candidates: readonly IntegrationCandidate[]): Promise<DryRun> {
  const { config } = fleet;
  const record =
    (await readIntegrationRecord(fleet)) ??
    emptyRecord(config.integration.branch, config.base, new Date().toISOString());
  const tip = await revParse(config.repo, headRef(config.integration.branch));
  const onto = tip ?? (await revParse(config.repo, headRef(config.base)));
  const steps = [];
  for (const step of planIntegration(await candidatesWithTips(fleet, candidates), record)) {
    steps.push(
      step.kind === 'merge' && onto !== undefined
        ? { ...step, predictedConflicts: await predictConflicts(config.repo, onto, step.tip) }
        : step,
    );
  }
  return { tip, steps };
}
