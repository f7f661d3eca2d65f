import { isAncestor, revParse } from '../../adapters/git.js';
import { readJson } from '../../adapters/state-files.js';
import { findConfig } from '../../config/find.js';
import { loadConfig } from '../../config/load.js';
import { matchCheckpoint } from '../../domain/model/checkpoints.js';
import { doorViewSchema } from '../../domain/status/door-view.js';
import { visible } from '../../domain/model/sanitize.js';
import { readChildren, withChildren } from '../../fleet/children.js';
import { CzarError } from '../../domain/model/errors.js';
import { doorViewFile, statePaths } from '../../domain/model/paths.js';
import type { FleetStatus } from '../../domain/status/status-schema.js';

/** A checkpoint as `czar report --checkpoint` writes it into the worker's report. */
export interface ReportedCheckpoint {
  readonly number: number;
  readonly text: string;
  readonly commit?: string;
}

/**
 * Which checkpoint of its current task the worker names (number or text), against the list the czar last wrote to
 * status.json, and the commit it comes with: HEAD of the worker's worktree (none before its first commit). Before the
 * czar has written the worker there at all (an agent reporting its first step while `czar up` still launches), the
 * list is its first task's, from the config.
 */
export async function reportedCheckpoint(
  stateDir: string,
  worker: string,
  given: string,
  worktree: string,
): Promise<ReportedCheckpoint> {
  // In a box, the state dir is the worker's door, and czar's view there is what it may know of its checkpoints.
  const door = doorViewSchema.safeParse(await readJson<unknown>(doorViewFile(stateDir)));
  const status = door.success ? undefined : await readJson<FleetStatus>(statePaths(stateDir).status);
  const entry = status?.workers.find((shown) => shown.name === worker);
  const config = door.success || entry !== undefined ? undefined : await firstTask(stateDir, worker);
  const items = door.success ? door.data.checkpoints : (config?.checkpoints ?? entry?.checkpoints?.items ?? []);
  const match = matchCheckpoint(
    given,
    items.map((item) => ({ text: item.text, doneAt: item.doneAt === undefined ? undefined : Date.parse(item.doneAt) })),
  );
  if (!match.ok) throw new CzarError('usage', match.reason);
  const commit = await revParse(worktree, 'HEAD');
  const base = door.success ? door.data.base : (status?.base ?? config?.base);
  // A step done is work committed: a checkpoint at base's own commit would show progress no branch holds.
  if (commit === undefined || (base !== undefined && (await isAncestor(worktree, commit, base)))) {
    throw new CzarError(
      'usage',
      `--checkpoint "${visible(given)}" comes with no commit of yours: HEAD of ${worktree} is ${commit === undefined ? 'no commit yet' : `${commit.slice(0, 12)}, already in base "${base ?? ''}"`}; commit the step's work, then report the checkpoint.`,
    );
  }
  const text = items[match.number - 1]?.text ?? '';
  return { number: match.number, text, commit };
}

/** The checkpoints of the worker's own task as the config (or its spawn record) gives them, and the fleet's base. */
async function firstTask(
  stateDir: string,
  worker: string,
): Promise<{ checkpoints: { text: string; doneAt?: string }[]; base: string }> {
  const config = await loadConfig(findConfig(process.cwd(), process.env.CZAR_CONFIG));
  const spec = withChildren(config, await readChildren(statePaths(stateDir))).workers.find(
    (candidate) => candidate.name === worker,
  );
  return { checkpoints: (spec?.checkpoints ?? []).map((text) => ({ text })), base: config.base };
}
