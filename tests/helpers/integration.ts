import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IntegrationCandidate } from '../../src/domain/policy/integration-plan.js';
import { gitIn } from './git-repo.js';

/** A branch off main with one commit writing `file`, as a finished worker would leave it. */
export async function branchWith(repo: string, branch: string, file: string, text: string): Promise<string> {
  await gitIn(repo, ['checkout', '--quiet', '-b', branch, 'main']);
  await writeFile(path.join(repo, file), text);
  await gitIn(repo, ['add', file]);
  await gitIn(repo, ['commit', '--quiet', '-m', `add ${file}`]);
  await gitIn(repo, ['checkout', '--quiet', 'main']);
  return gitIn(repo, ['rev-parse', branch]);
}

/** A finished worker `czar/<worker>` at `tip`, ready to integrate. */
export function candidate(worker: string, tip: string): IntegrationCandidate {
  return {
    worker,
    branch: `czar/${worker}`,
    title: worker,
    dependsOn: [],
    ready: true,
    notReadyBecause: '',
    tip,
    merged: false,
  };
}
