import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { agentReviewMode } from '../../agents/index.js';
import { makeFolder, writeTextFile } from '../../adapters/file-system.js';
import { changedBetween, forkDiff } from '../../adapters/git.js';
import { detachedCheckout } from '../../adapters/git-worktrees.js';
import { userCacheDir } from '../../adapters/private-files.js';
import { runReviewCall } from '../../adapters/review-process.js';
import type { ReviewSpec, WorkerSpec } from '../../domain/model/config-types.js';
import type { ReviewObservation } from '../../domain/model/observations.js';
import { reviewCheckout, reviewDir, reviewRunFile } from '../../domain/model/paths.js';
import { renderReviewPrompt, VERDICT_SHAPE, type EarlierRound } from '../../domain/text/review-prompt.js';
import type { ReviewUsage } from '../../domain/usage/review-usage.js';
import { REVIEW_VERDICT_JSON_SCHEMA, ReviewVerdictSchema } from '../../domain/model/review-verdict.js';
import type { Fleet } from '../../fleet/handle.js';
import { judgingPlaceOf } from '../../launch/places.js';
import { countedFrom } from './readings.js';

/** What a reviewer printed is kept, bounded: a runaway reviewer must not fill the disk. */
const KEPT_OUTPUT_CHARS = 200_000;

export interface ReviewRequest {
  readonly spec: WorkerSpec;
  readonly review: ReviewSpec;
  readonly sha: string;
  readonly round: number;
  /** Earlier rounds of this task that asked for changes, oldest first. */
  readonly earlier: readonly Omit<EarlierRound, 'changedSince'>[];
}

/**
 * One review of one commit: a detached checkout czar owns at the commit, the prompt, the reviewer run once through
 * its review mode (its preset's, or its `review_args:`), and its answer validated. An answer that is not a verdict is
 * asked for once more; a second one, a timeout or czar's own trouble is `failed`, never an approval. The prompt, the
 * output and the verdict are kept under `.czar/reviews/<worker>/<sha>.*`.
 */
export async function runReview(fleet: Fleet, request: ReviewRequest): Promise<ReviewObservation> {
  const { spec, review, sha } = request;
  const dir = reviewDir(fleet.paths, spec.name);
  const transcript = path.join(dir, `${sha}.out.txt`);
  const usage: ReviewUsage[] = [];
  const failed = (problem: string): ReviewObservation => ({
    sha,
    status: 'failed',
    problem,
    transcript,
    ...(usage.length === 0 ? {} : { usage }),
    at: Date.now(),
  });
  const mode = agentReviewMode(review.agent);
  if (mode === undefined)
    return failed(
      `${review.agent.name} (preset ${review.agent.preset}) cannot review; give it review_args in czar.yaml`,
    );
  try {
    const checkout = reviewCheckout(fleet.paths, spec.name);
    await detachedCheckout(fleet.config.repo, checkout, sha);
    await makeFolder(dir, 0o700);
    // A spawned child is reviewed on its own commits, from where its branch was cut from its parent's.
    const from = await countedFrom(fleet, spec);
    const prompt = renderReviewPrompt({
      worker: spec.name,
      branch: spec.branch,
      base: from === fleet.config.base ? from : from.slice(0, 12),
      sha,
      round: request.round,
      maxRounds: review.maxRounds,
      roleText: review.roleText,
      task: spec.task,
      checks: spec.checks,
      diff: await forkDiff(fleet.config.repo, from, sha),
      earlier: await earlierRounds(fleet.config.repo, request),
    });
    await writeTextFile(path.join(dir, `${sha}.prompt.md`), prompt, 0o600);
    const box = await judgingPlaceOf(spec).reviewBox(fleet, spec, review.agent);
    const output: string[] = [];
    let problem = '';
    for (const attempt of [1, 2]) {
      const asked =
        attempt === 1
          ? prompt
          : `${prompt}\n\nYour last answer was not a valid verdict (${problem}). Answer with exactly one JSON object in the shape above.`;
      const workDir = path.join(dir, `${sha}.work-${attempt}`);
      await makeFolder(workDir, 0o700);
      const run = {
        prompt: asked,
        cwd: checkout,
        workDir,
        verdictSchema: REVIEW_VERDICT_JSON_SCHEMA,
        nonce: randomBytes(16).toString('hex'),
        cacheDir: userCacheDir(),
        ...(box === undefined ? {} : { boxed: true }),
      };
      const call = mode.call(review.agent, run);
      const result = await runReviewCall(
        box === undefined ? call : await box(call, workDir),
        review.timeoutMs,
        reviewRunFile(fleet.paths, spec.name),
      );
      output.push(
        `--- attempt ${attempt}: exit ${result.exitCode}\n${result.output.stdout}\n--- stderr\n${result.stderr}`,
      );
      await writeTextFile(transcript, output.join('\n').slice(0, KEPT_OUTPUT_CHARS), 0o600);
      const read = mode.read(result.output, run);
      if (read.usage !== undefined) usage.push(read.usage);
      // A reviewer that failed has no verdict, whatever it printed before it did.
      if (result.exitCode !== 0) {
        problem = `the reviewer exited with status ${result.exitCode}`;
        continue;
      }
      const parsed = ReviewVerdictSchema.safeParse(read.verdict);
      if (parsed.success) {
        await writeTextFile(path.join(dir, `${sha}.verdict.json`), `${JSON.stringify(parsed.data, null, 2)}\n`, 0o600);
        const verdict = parsed.data;
        return {
          sha,
          status: verdict.verdict === 'approve' ? 'approved' : 'changes_requested',
          summary: verdict.summary,
          findings: verdict.findings,
          transcript,
          ...(usage.length === 0 ? {} : { usage }),
          at: Date.now(),
        };
      }
      problem = parsed.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || 'the answer'}: ${issue.message}`)
        .join('; ');
    }
    return failed(`asked twice, no valid verdict (${problem}); a verdict is ${VERDICT_SHAPE}`);
  } catch (error) {
    // A timeout is the reviewer's; a checkout or file failure is czar's own. Neither is a verdict.
    return failed(error instanceof Error ? error.message : String(error));
  }
}

async function earlierRounds(repo: string, request: ReviewRequest): Promise<EarlierRound[]> {
  return Promise.all(
    request.earlier.map(async (round) => ({
      sha: round.sha,
      summary: round.summary,
      findings: round.findings,
      changedSince: await changedBetween(repo, round.sha, request.sha),
    })),
  );
}
