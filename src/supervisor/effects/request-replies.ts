import type { CzarRequestResult } from '../../domain/model/czar-request.js';
import type { Action } from '../../domain/policy/actions.js';
import type { Fleet } from '../../fleet/handle.js';
import { answerRequest } from '../../fleet/requests.js';
import { PULL_REQUEST_REQUEST } from '../../domain/policy/pull-request.js';

type Reply = Extract<Action, { kind: 'reply' }>;

/** The answers to a person's requests, each written once the effect it reports on is over. */
export class RequestReplies {
  /** Per worker: the effect a person asked for last, which the answer that names that worker waits for. */
  private readonly effects = new Map<string, Promise<unknown>>();
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly fleet: Fleet) {}

  /** An effect a person asked of `worker`: its failure is told in the answer, not raised as an alert. */
  asked(worker: string, effect: Promise<unknown>): void {
    effect.catch(() => undefined);
    this.effects.set(worker, effect);
  }

  write(reply: Reply): void {
    // A comment read from a pull request has nobody waiting for a file: its answer is an event.
    if (reply.request.startsWith(PULL_REQUEST_REQUEST)) {
      void this.fleet.log.emit(reply.ok ? 'pr_comment' : 'pr_comment_refused', reply.message, reply.after);
      return;
    }
    const effect = reply.after === undefined ? undefined : this.effects.get(reply.after);
    if (reply.after !== undefined) this.effects.delete(reply.after);
    const answer = (effect ?? Promise.resolve()).then(
      (): CzarRequestResult => ({ id: reply.request, ok: reply.ok, message: reply.message }),
      (error: unknown): CzarRequestResult => ({
        id: reply.request,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      }),
    );
    const writing = answer
      .then((result) => answerRequest(this.fleet.paths, result))
      .catch((error: unknown) =>
        this.fleet.log.emit(
          'czar_error',
          `could not answer request ${reply.request}: ${error instanceof Error ? error.message : String(error)}`,
        ),
      )
      .then(() => undefined);
    this.writing.add(writing);
    void writing.then(() => this.writing.delete(writing));
  }

  /** Waits for the answers on their way (the czar stops only after it wrote them). */
  async idle(): Promise<void> {
    await Promise.all(this.writing);
  }
}
