import { CzarError } from '../domain/errors.js';
import { run } from './process.js';

/**
 * The GitHub CLI, for pull requests: argument arrays, never a shell; the body goes on stdin (`--body-file -`), so a
 * result file's text is never an argument. gh keeps its own login; czar only asks `gh auth status`.
 */

export interface PullRequestState {
  readonly url: string;
  readonly state: string;
}

/** Opens a pull request for `head` into `base` and returns its URL (the last URL gh prints). */
export async function createPullRequest(
  repo: string,
  options: { head: string; base: string; title: string; body: string; draft: boolean },
): Promise<string> {
  const args = [
    'pr',
    'create',
    '--head',
    options.head,
    '--base',
    options.base,
    '--title',
    options.title,
    '--body-file',
    '-',
    ...(options.draft ? ['--draft'] : []),
  ];
  const result = await run('gh', args, { cwd: repo, input: options.body, timeoutMs: 120_000 });
  const url = result.stdout
    .split('\n')
    .map((line) => line.trim())
    .reverse()
    .find((line) => /^https?:\/\//.test(line));
  if (url === undefined)
    throw new CzarError(
      'gh_failed',
      `"gh pr create" for ${options.head} printed no pull request URL; run it by hand in ${repo} to see why.`,
    );
  return url;
}

/** URL and state (OPEN, CLOSED, MERGED) of the pull request for a branch, or undefined when there is none. */
export async function viewPullRequest(repo: string, branch: string): Promise<PullRequestState | undefined> {
  const result = await run('gh', ['pr', 'view', branch, '--json', 'url,state'], {
    cwd: repo,
    allowFailure: true,
    timeoutMs: 60_000,
  });
  if (result.exitCode !== 0) return undefined;
  try {
    const parsed = JSON.parse(result.stdout) as { url?: unknown; state?: unknown };
    return typeof parsed.url === 'string' && typeof parsed.state === 'string'
      ? { url: parsed.url, state: parsed.state }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether gh is logged in (`gh auth status` exits 0). */
export async function ghLoggedIn(): Promise<boolean> {
  return (await run('gh', ['auth', 'status'], { allowFailure: true, timeoutMs: 30_000 })).exitCode === 0;
}
