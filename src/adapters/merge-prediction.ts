import { gitWithInput } from './git-client.js';
import { git } from './git.js';

/**
 * Paths that would conflict when merging two commits, without touching any worktree or the index (git >= 2.38).
 * `-z` keeps odd file names unquoted; exit 1 means conflicts, 0 a clean merge, anything else (no merge base, a
 * missing commit) is no prediction rather than an error.
 */
export async function predictConflicts(repo: string, left: string, right: string): Promise<string[]> {
  const result = await git(repo, ['merge-tree', '--write-tree', '--name-only', '--no-messages', '-z', left, right], {
    allowFailure: true,
  });
  if (result.exitCode !== 1) return [];
  // The first field is the merged tree; the conflicted paths follow, each once per conflicting stage group.
  return [
    ...new Set(
      result.stdout
        .split('\0')
        .slice(1)
        .filter((file) => file !== ''),
    ),
  ];
}

/**
 * `predictConflicts` for many pairs of commits in one `git merge-tree --stdin`, in the order given. A fleet on one file
 * asks for 49 merges a commit, and each process is a fork of the czar that holds its event loop until the child runs
 * (tens of milliseconds each on a loaded machine): one process for them all. A pair git cannot merge (no merge base, a
 * commit gone) stops the batch there; it is no prediction, and the pairs after it go in the next batch. A git without
 * `--stdin` (it came in 2.39.x to 2.40) merges pair by pair.
 */
export async function predictConflictsOf(
  repo: string,
  pairs: readonly (readonly [string, string])[],
): Promise<string[][]> {
  const results: string[][] = [];
  while (results.length < pairs.length) {
    const rest = pairs.slice(results.length);
    if (mergesFromStdin === false) {
      for (const [left, right] of rest) results.push(await predictConflicts(repo, left, right));
      break;
    }
    const input = rest.map(([left, right]) => `${left} ${right}\n`).join('');
    const result = await gitWithInput(
      repo,
      ['merge-tree', '--stdin', '--write-tree', '--name-only', '--no-messages', '-z'],
      input,
      // A prediction is advice: its merges (half a second of a core for 49) wait behind the agents' work.
      { background: true },
    );
    if (result.exitCode === 129) {
      mergesFromStdin = false;
      continue;
    }
    mergesFromStdin = true;
    const merged = mergeResults(result.stdout);
    results.push(...merged);
    // The pair after the last answered one is the one git could not merge.
    if (merged.length < rest.length && result.exitCode !== 0) results.push([]);
    else if (merged.length < rest.length)
      throw new Error(`git merge-tree --stdin answered ${merged.length} of ${rest.length} merges`);
  }
  return results;
}

/** Whether this git reads merges from stdin; learned at the first batch. */
let mergesFromStdin: boolean | undefined;

/**
 * The answers of `merge-tree --stdin -z --name-only --no-messages`: per merge its status (1 clean, 0 conflicts), the
 * merged tree and the conflicted paths, each once per conflicting stage group, ended by an empty field.
 */
function mergeResults(stdout: string): string[][] {
  const fields = stdout.split('\0');
  const results: string[][] = [];
  let at = 0;
  while (fields[at] === '0' || fields[at] === '1') {
    const clean = fields[at] === '1';
    const files: string[] = [];
    at += 2;
    for (; at < fields.length && fields[at] !== ''; at += 1) files.push(fields[at] ?? '');
    // A merge cut short has no closing field.
    if (at >= fields.length - 1 && fields[at] !== '') break;
    at += 1;
    results.push(clean ? [] : [...new Set(files)]);
  }
  return results;
}
