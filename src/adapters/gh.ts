import { CzarError } from '../domain/model/errors.js';
import { run } from './process.js';
import { jsonIn } from './state-files.js';

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

/** A person's comment on a pull request: a conversation comment, a review's body, or a comment on a line. */
export interface PullRequestComment {
  readonly id: string;
  readonly author: string;
  readonly body: string;
  readonly file?: string;
  readonly line?: number;
}

interface ViewedComments {
  number?: number;
  comments?: { id?: unknown; author?: { login?: unknown }; body?: unknown }[];
  reviews?: { id?: unknown; author?: { login?: unknown }; body?: unknown }[];
}

interface LineComment {
  id?: unknown;
  user?: { login?: unknown };
  body?: unknown;
  path?: unknown;
  line?: unknown;
  original_line?: unknown;
}

/**
 * Every comment on a branch's pull request, oldest first: the conversation's and reviews' (`gh pr view --json`) and
 * those on lines of the diff (`gh api .../pulls/N/comments`). Empty when gh cannot say (no PR, no login, offline).
 */
export async function pullRequestComments(repo: string, branch: string): Promise<PullRequestComment[]> {
  const viewed = await run('gh', ['pr', 'view', branch, '--json', 'number,comments,reviews'], {
    cwd: repo,
    allowFailure: true,
    timeoutMs: 60_000,
  });
  if (viewed.exitCode !== 0) return [];
  const parsed = jsonIn<ViewedComments>(viewed.stdout) ?? {};
  const found: PullRequestComment[] = [];
  for (const entry of [...(parsed.comments ?? []), ...(parsed.reviews ?? [])]) {
    if (typeof entry.id === 'string' && typeof entry.body === 'string' && entry.body.trim() !== '')
      found.push({ id: entry.id, author: loginOf(entry.author), body: entry.body });
  }
  if (typeof parsed.number !== 'number') return found;
  const lines = await run('gh', ['api', `repos/{owner}/{repo}/pulls/${parsed.number}/comments`], {
    cwd: repo,
    allowFailure: true,
    timeoutMs: 60_000,
  });
  for (const entry of (lines.exitCode === 0 ? jsonIn<LineComment[]>(lines.stdout) : undefined) ?? []) {
    const line = typeof entry.line === 'number' ? entry.line : entry.original_line;
    if ((typeof entry.id !== 'number' && typeof entry.id !== 'string') || typeof entry.body !== 'string') continue;
    found.push({
      id: `line-${String(entry.id)}`,
      author: loginOf(entry.user),
      body: entry.body,
      ...(typeof entry.path === 'string' ? { file: entry.path } : {}),
      ...(typeof line === 'number' ? { line } : {}),
    });
  }
  return found;
}

/** Leaves a review comment (not an approval: the verdict is the reviewer's, not the account's) on the branch's PR. */
export async function commentOnPullRequest(repo: string, branch: string, body: string): Promise<void> {
  await run('gh', ['pr', 'review', branch, '--comment', '--body-file', '-'], {
    cwd: repo,
    input: body,
    timeoutMs: 60_000,
  });
}

function loginOf(author: { login?: unknown } | undefined): string {
  return typeof author?.login === 'string' ? author.login : 'someone';
}
