import { learningDir, readOutcomes, repositoryIdentity } from '../../adapters/learning-files.js';
import { topLevel } from '../../adapters/git.js';
import { agentStats, agentTableLines } from '../../domain/learning/agent-stats.js';
import { skippedWarning } from '../../supervisor/effects/learning-record.js';
import { err, json, out } from '../output.js';

/**
 * `czar stats --agents`: each agent's record per task kind, for the repository czar runs in (when it is one) and
 * across every repository in the record.
 */
export async function printAgentStats(asJson: boolean): Promise<number> {
  const reading = await readOutcomes();
  const dir = learningDir();
  if (reading === undefined || dir === undefined) {
    err('czar stats --agents: the record is off (CZAR_LEARN=off); unset CZAR_LEARN to keep a record of outcomes.');
    return 1;
  }
  if (reading.skipped > 0) err(`czar: ${skippedWarning(reading)}`);
  const top = await topLevel(process.cwd());
  const repo = top === undefined ? undefined : await repositoryIdentity(top);
  const here = repo === undefined ? [] : agentStats(reading.items.filter((outcome) => outcome.repo === repo));
  const all = agentStats(reading.items);
  if (asJson) {
    out(json({ record: dir, repo, thisRepository: here, allRepositories: all }, 2));
    return 0;
  }
  if (all.length === 0) {
    out(`No outcomes recorded yet in ${dir}: czar records each task as it ends.`);
    return 0;
  }
  if (repo !== undefined) {
    out(`this repository (${repo.slice(0, 12)}):`);
    for (const line of here.length === 0 ? ['(no outcomes yet)'] : agentTableLines(here)) out(`  ${line}`);
  }
  out(`all repositories (${reading.items.length} outcome(s) in ${dir}):`);
  for (const line of agentTableLines(all)) out(`  ${line}`);
  return 0;
}
