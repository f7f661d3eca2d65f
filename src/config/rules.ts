import type { Problem } from './problems.js';
import { agentDefinitions, agentScreenPatterns, knownAgents } from './rules-agents.js';
import { integrationBranchOwn, uniqueBranches } from './rules-branches.js';
import { uniqueCheckNames } from './rules-checks.js';
import { reviewersCanReview } from './rules-review.js';
import { sandboxHere, sandboxWritableOwn } from './rules-sandbox.js';
import { ownEnvKeys } from './rules-env.js';
import { hostCapacity, knownHosts, uniqueHostNames } from './rules-hosts.js';
import { autoAnswerRegexes, durationMinimums, spawnLimitsAgree, stuckAfterIdle } from './rules-policy.js';
import { buildsOnWorker, checkpointLines, honourableScopes, nonBlankTasks, uniqueBonusNames } from './rules-tasks.js';
import { knownDependencies, noDependencyCycles, someWorkers, uniqueWorkerNames } from './rules-workers.js';
import { workerEntries } from './rules-worker-entry.js';
import type { Rule } from './rule.js';
import type { WrittenConfig } from './schema.js';

/** Every rule, in the order their problems read best. */
export const RULES: readonly Rule[] = [
  someWorkers,
  uniqueWorkerNames,
  workerEntries,
  uniqueBranches,
  knownDependencies,
  noDependencyCycles,
  knownAgents,
  agentDefinitions,
  agentScreenPatterns,
  buildsOnWorker,
  uniqueBonusNames,
  checkpointLines,
  autoAnswerRegexes,
  stuckAfterIdle,
  spawnLimitsAgree,
  durationMinimums,
  ownEnvKeys,
  uniqueHostNames,
  knownHosts,
  hostCapacity,
  sandboxHere,
  sandboxWritableOwn,
  uniqueCheckNames,
  reviewersCanReview,
  honourableScopes,
  nonBlankTasks,
  integrationBranchOwn,
];

/** All problems every rule finds. */
export function checkRules(config: WrittenConfig, rules: readonly Rule[] = RULES): Problem[] {
  return rules.flatMap((rule) => rule.check(config));
}
