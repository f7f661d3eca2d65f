import { createHash } from 'node:crypto';
import path from 'node:path';
import { pullRequestComments, type PullRequestComment } from '../../adapters/gh.js';
import { readJson, writeJsonAtomic } from '../../adapters/state-files.js';
import type { RequestObservation } from '../../domain/model/observations.js';
import { CZAR_POST_MARK, PULL_REQUEST_REQUEST, pullRequestCommentText } from '../../domain/policy/pull-request.js';
import type { Fleet } from '../../fleet/handle.js';
import { readPullRequests } from '../../integration/pull-requests.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/** Per branch, the ids of the PR comments already handed to the czar: each reaches its worker once. */
type Seen = Record<string, string[]>;

/**
 * The comments people leave on the workers' open pull requests (read through gh every `pr.comments_every`): each new
 * one goes into the model as that person's `czar comment`, so it reaches the worker the same way, batched between
 * turns. gh is a network call: it runs beside the loop, never in a pass, and what it found is handed over on the
 * pass it wakes. czar's own posts are skipped.
 */
export class PullRequestComments implements Source {
  readonly name = 'pull-request-comments';
  private nextAt = 0;
  private reading: Promise<void> | undefined;
  private found: RequestObservation[] = [];

  constructor(
    private readonly fleet: Fleet,
    private readonly wake: () => void,
  ) {}

  poll(store: ModelStore): Promise<void> {
    const { pr } = this.fleet.config;
    if (pr.when !== 'off' && this.reading === undefined && Date.now() >= this.nextAt) {
      this.nextAt = Date.now() + pr.commentsEveryMs;
      const branches = new Map(store.model.workers.map((worker) => [worker.spec.branch, worker.spec.name]));
      this.reading = this.read(branches)
        .catch((error: unknown) =>
          this.fleet.log.emit(
            'pr_failed',
            `could not read pull request comments: ${error instanceof Error ? error.message : String(error)}`,
          ),
        )
        .then(() => {
          this.reading = undefined;
          if (this.found.length > 0) this.wake();
        });
    }
    if (this.found.length > 0) {
      const found = this.found;
      this.found = [];
      store.change((model) => ({ ...model, requests: [...(model.requests ?? []), ...found] }));
    }
    return Promise.resolve();
  }

  private async read(workers: ReadonlyMap<string, string>): Promise<void> {
    const open = Object.entries((await readPullRequests(this.fleet)).branches).filter(
      ([branch, state]) => state.state === 'OPEN' && workers.has(branch),
    );
    if (open.length === 0) return;
    const file = path.join(this.fleet.paths.integration, 'pull-request-comments.json');
    const seen = (await readJson<Seen>(file)) ?? {};
    const found: RequestObservation[] = [];
    for (const [branch] of open) {
      const known = new Set(seen[branch] ?? []);
      for (const comment of await pullRequestComments(this.fleet.config.repo, branch)) {
        if (known.has(comment.id) || comment.body.includes(CZAR_POST_MARK)) continue;
        known.add(comment.id);
        found.push({ request: commentRequest(branch, workers.get(branch) ?? '', comment) });
      }
      seen[branch] = [...known];
    }
    if (found.length === 0) return;
    // Written before the comments are handed over: after a restart none is sent twice.
    await writeJsonAtomic(file, seen);
    this.found.push(...found);
  }
}

function commentRequest(branch: string, worker: string, comment: PullRequestComment): RequestObservation['request'] {
  const branchId = createHash('sha256').update(branch).digest('hex').slice(0, 8);
  return {
    id: `${PULL_REQUEST_REQUEST}${branchId}-${comment.id}`,
    kind: 'comment',
    worker,
    text: pullRequestCommentText(comment.author, comment.body),
    ...(comment.file === undefined ? {} : { file: comment.file }),
    ...(comment.line === undefined ? {} : { line: comment.line }),
  };
}
