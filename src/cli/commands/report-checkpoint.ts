import { revParse } from '../../adapters/git.js';
import { readJson } from '../../adapters/state-files.js';
import { matchCheckpoint } from '../../domain/checkpoints.js';
import { CzarError } from '../../domain/errors.js';
import { statePaths } from '../../domain/paths.js';
import type { FleetStatus } from '../../domain/status-schema.js';

/** A checkpoint as `czar report --checkpoint` writes it into the worker's report. */
export interface ReportedCheckpoint {
  readonly number: number;
  readonly text: string;
  readonly commit?: string;
}

/**
 * Which checkpoint of its current task the worker names (number or text), against the list the czar last wrote to
 * status.json, and the commit it comes with: HEAD of the worker's worktree (none before its first commit).
 */
export async function reportedCheckpoint(
  stateDir: string,
  worker: string,
  given: string,
  worktree: string,
): Promise<ReportedCheckpoint> {
  const status = await readJson<FleetStatus>(statePaths(stateDir).status);
  const items = status?.workers.find((entry) => entry.name === worker)?.checkpoints?.items ?? [];
  const match = matchCheckpoint(
    given,
    items.map((item) => ({ text: item.text, doneAt: item.doneAt === undefined ? undefined : Date.parse(item.doneAt) })),
  );
  if (!match.ok) throw new CzarError('usage', match.reason, { exitCode: 2 });
  const commit = await revParse(worktree, 'HEAD');
  const text = items[match.number - 1]?.text ?? '';
  return { number: match.number, text, ...(commit === undefined ? {} : { commit }) };
}
