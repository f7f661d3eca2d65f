import path from 'node:path';
import { readUtf8 } from '../adapters/file-system.js';
import { commentOnPullRequest, createPullRequest, viewPullRequest, type PullRequestState } from '../adapters/gh.js';
import { pushBranch } from '../adapters/integration-git.js';
import { readJson, writeJsonAtomic } from '../adapters/state-files.js';
import { pullRequestBody } from '../domain/policy/pull-request.js';
import type { IntegrationCandidate } from '../domain/policy/integration-plan.js';
import type { Fleet } from '../fleet/handle.js';

/** `.czar/integration/pull-requests.json`: the pull request czar opened per branch, and the commit whose review it got. */
export interface PullRequestRecord {
  readonly branches: Readonly<Record<string, PullRequestState & { readonly reviewed?: string }>>;
}

function recordFile(fleet: Fleet): string {
  return path.join(fleet.paths.integration, 'pull-requests.json');
}

export async function readPullRequests(fleet: Fleet): Promise<PullRequestRecord> {
  return (await readJson<PullRequestRecord>(recordFile(fleet))) ?? { branches: {} };
}

/** Serialises writers of the record in this process (the czar may open two at once). */
let chain: Promise<unknown> = Promise.resolve();

/**
 * Pushes `branch` (`git push -u`) and opens its pull request with gh, once: a branch with a recorded pull request
 * is pushed again (new commits) and its state refreshed. Returns the URL and state.
 */
export async function openPullRequest(
  fleet: Fleet,
  options: {
    branch: string;
    title: string;
    resultFile: string | undefined;
    checks: readonly string[];
    notes: readonly string[];
  },
): Promise<PullRequestState> {
  const work = chain.then(async () => {
    const { config } = fleet;
    await pushBranch(config.repo, config.pr.remote, options.branch);
    const known = (await readPullRequests(fleet)).branches[options.branch];
    if (known === undefined) {
      const result =
        options.resultFile === undefined ? undefined : await readUtf8(options.resultFile).catch(() => undefined);
      const body = pullRequestBody({ result, checks: options.checks, notes: options.notes });
      const url = await createPullRequest(config.repo, {
        head: options.branch,
        base: config.base,
        title: options.title,
        body,
        draft: config.pr.draft,
      });
      await fleet.log.emit('pr_opened', `opened pull request ${url} for ${options.branch}`, undefined, {
        branch: options.branch,
        url,
      });
    }
    const state = (await viewPullRequest(config.repo, options.branch)) ?? known;
    if (state === undefined) throw new Error(`gh knows no pull request for ${options.branch}`);
    const record = await readPullRequests(fleet);
    await writeJsonAtomic(recordFile(fleet), {
      branches: { ...record.branches, [options.branch]: { ...record.branches[options.branch], ...state } },
    } satisfies PullRequestRecord);
    return state;
  });
  chain = work.catch(() => undefined);
  return work;
}

/**
 * Opens the pull requests of these workers' branches, which `decide()` found due (`pullRequestsDue`). A failure is
 * an event, never a lost run.
 */
export async function openWorkerPullRequests(
  fleet: Fleet,
  candidates: readonly IntegrationCandidate[],
  resultFiles: ReadonlyMap<string, string>,
): Promise<void> {
  for (const candidate of candidates) {
    const checks = candidate.merged ? [`merged into ${fleet.config.integration.branch} and its checks passed`] : [];
    await openPullRequest(fleet, {
      branch: candidate.branch,
      title: candidate.title,
      resultFile: resultFiles.get(candidate.worker),
      checks,
      notes: [`worker ${candidate.worker}, tip ${candidate.tip?.slice(0, 10) ?? '?'}`],
    }).catch(async (error: unknown) => {
      await fleet.log.emit(
        'pr_failed',
        `could not open a pull request for ${candidate.branch}: ${error instanceof Error ? error.message : String(error)}`,
        candidate.worker,
      );
    });
  }
}

/** The one pull request for the integration branch when the sprint is over, its body the handoff. */
export async function openIntegrationPullRequest(fleet: Fleet, handoff: string): Promise<void> {
  const { config } = fleet;
  await openPullRequest(fleet, {
    branch: config.integration.branch,
    title: `${config.project}: the sprint's integrated work`,
    resultFile: handoff,
    checks: config.integration.checks.map((check) => `${check.name} (${check.run}) green after every merge`),
    notes: ['every piece was merged --no-ff in dependency order and checked'],
  }).catch(async (error: unknown) => {
    await fleet.log.emit(
      'pr_failed',
      `could not open the integration pull request: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}

/** A reviewer's verdict on a branch's tip, as it goes on the branch's pull request. */
export interface VerdictPost {
  readonly branch: string;
  readonly worker: string;
  readonly sha: string;
  readonly body: string;
}

/**
 * Posts each verdict on its branch's open pull request as a review comment, once per reviewed commit (the commit is
 * kept in the record). A failure is an event; the next run tries again.
 */
export async function postReviewVerdicts(fleet: Fleet, verdicts: readonly VerdictPost[]): Promise<void> {
  for (const verdict of verdicts) {
    const known = (await readPullRequests(fleet)).branches[verdict.branch];
    if (known?.state !== 'OPEN' || known.reviewed === verdict.sha) continue;
    try {
      await commentOnPullRequest(fleet.config.repo, verdict.branch, verdict.body);
      const record = await readPullRequests(fleet);
      await writeJsonAtomic(recordFile(fleet), {
        branches: { ...record.branches, [verdict.branch]: { ...known, reviewed: verdict.sha } },
      } satisfies PullRequestRecord);
      await fleet.log.emit(
        'pr_review_posted',
        `posted the review of ${verdict.sha.slice(0, 12)} on ${known.url}`,
        verdict.worker,
      );
    } catch (error) {
      await fleet.log.emit(
        'pr_failed',
        `could not post the review of ${verdict.sha.slice(0, 12)} on ${known.url}: ${error instanceof Error ? error.message : String(error)}`,
        verdict.worker,
      );
    }
  }
}
