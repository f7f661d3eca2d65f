import { readJson } from '../adapters/state-files.js';
import { branchTipsBy, headRef, isAncestor, revParse } from '../adapters/git.js';
import { integrationFiles } from '../domain/model/paths.js';
import type { IntegrationCandidate, IntegrationRecord } from '../domain/policy/integration-plan.js';
import type { Fleet } from '../fleet/handle.js';

/** Where czar keeps its integration worktree, record, lock and check logs. */
export function integrationPaths(fleet: Fleet): ReturnType<typeof integrationFiles> {
  return integrationFiles(fleet.paths);
}

export async function readIntegrationRecord(fleet: Fleet): Promise<IntegrationRecord | undefined> {
  return readJson<IntegrationRecord>(integrationPaths(fleet).record);
}

/**
 * The tips (of the given candidates) the integration branch already holds. Two calls answer every tip that is a
 * branch's tip (a worker's, as a rule), whatever the number of candidates; any other tip is asked about alone.
 */
export async function mergedTips(
  repo: string,
  branch: string,
  tips: readonly (string | undefined)[],
): Promise<Set<string>> {
  const head = await revParse(repo, headRef(branch));
  const merged = new Set<string>();
  if (head === undefined) return merged;
  const [held, notHeld] = await Promise.all([
    branchTipsBy(repo, 'merged', head),
    branchTipsBy(repo, 'no-merged', head),
  ]);
  for (const tip of tips) {
    if (tip === undefined || notHeld.has(tip)) continue;
    if (held.has(tip) || (await isAncestor(repo, tip, head))) merged.add(tip);
  }
  return merged;
}

/** The candidates with `merged` answered by git against the integration branch as it is now. */
export async function candidatesWithTips(
  fleet: Fleet,
  candidates: readonly IntegrationCandidate[],
): Promise<IntegrationCandidate[]> {
  const merged = await mergedTips(
    fleet.config.repo,
    fleet.config.integration.branch,
    candidates.map((candidate) => candidate.tip),
  );
  return candidates.map((candidate) => ({
    ...candidate,
    merged: candidate.tip !== undefined && merged.has(candidate.tip),
  }));
}
