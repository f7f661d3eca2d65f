import path from 'node:path';
import { ensureStateDir } from '../../src/adapters/state-files.js';
import { statePaths } from '../../src/domain/model/paths.js';
import { writeLaunchRecord } from '../../src/fleet/launch-records.js';
import { proofDigest, saveProofDigest } from '../../src/adapters/worker-proof.js';

/** The proof the workers of `launchedStateDir` were given: pass it as CZAR_WORKER_PROOF to report as one. */
export const TEST_PROOF = 'test-proof';

/**
 * A state dir in which `worker` was launched, as `czar up` leaves it, with the proof TEST_PROOF: `czar report` refuses
 * any other (it trusts nothing in its environment), so tests that report from outside a fleet start from this.
 */
export async function launchedStateDir(root: string, worker: string, worktree = root): Promise<string> {
  const dir = path.join(root, '.czar');
  const paths = statePaths(dir);
  await ensureStateDir(paths);
  await writeLaunchRecord(paths, {
    worker,
    paneId: '%1',
    branch: `czar/${worker}`,
    worktree,
    agent: 'sim',
    launchedAt: new Date().toISOString(),
    tasks: [],
  });
  await saveProofDigest(paths, worker, proofDigest(worker, TEST_PROOF));
  return dir;
}
