import { removeFile } from '../../adapters/file-system.js';
import { readJson } from '../../adapters/state-files.js';
import { CzarRequestSchema, requestProblem, type CzarRequest } from '../../domain/model/czar-request.js';
import { visible } from '../../domain/model/sanitize.js';
import type { RequestObservation } from '../../domain/model/observations.js';
import type { Fleet } from '../../fleet/handle.js';
import { markTaken, pendingRequests, releaseTaken } from '../../fleet/requests.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';
import { workerRequestFacts } from './spawns.js';

/**
 * The source of a person's requests (`czar send/bonus/restart/pause/resume/stop`, the dashboard's keys): it reads
 * each request file once, checks it, and writes it into the model for `decide()` to answer. A file stays until its
 * answer is written, so a request this czar read but never answered is read again by the next.
 */
export class PersonRequests implements Source {
  readonly name = 'requests';
  /** A request file arrived since the last poll (and at the start: files left from before this czar). */
  private pending = true;
  /** Requests already in the model whose files are not gone yet. */
  private readonly taken = new Set<string>();

  constructor(private readonly fleet: Fleet) {}

  mark(): void {
    this.pending = true;
  }

  async poll(store: ModelStore): Promise<void> {
    if (!this.pending) return;
    this.pending = false;
    const files = await pendingRequests(this.fleet.paths);
    const listed = new Set(files.map((request) => request.id));
    for (const id of this.taken) if (!listed.has(id)) this.taken.delete(id);
    const read: RequestObservation[] = [];
    for (const { id, file, answered, takenBefore } of files) {
      if (this.taken.has(id)) continue;
      // Answered by a czar that stopped before it let the file go: answered once is enough.
      if (answered) {
        await removeFile(file);
        await releaseTaken(this.fleet.paths, id);
        continue;
      }
      const written = await readJson<unknown>(file);
      const parsed = CzarRequestSchema.safeParse(written);
      if (!parsed.success || parsed.data.id !== id) {
        // Answered, so the command that wrote it says why at once instead of waiting for an answer that never comes.
        const why = parsed.success ? `its id is not ${id}` : (requestProblem(written) ?? 'it is not a request');
        await this.fleet.log.emit('bad_request', `refused malformed request ${id}.json: ${visible(why)}`);
        this.taken.add(id);
        read.push({ request: { id, kind: 'unreadable' }, refused: malformed(why) });
        continue;
      }
      this.taken.add(id);
      if (takenBefore) {
        read.push({ request: parsed.data, refused: DIED_ON });
        continue;
      }
      await markTaken(this.fleet.paths, id);
      const refused = refusal(store, parsed.data);
      read.push({
        request: parsed.data,
        ...(refused === undefined ? await workerRequestFacts(this.fleet, parsed.data) : { refused }),
      });
    }
    if (read.length > 0) store.change((model) => ({ ...model, requests: [...(model.requests ?? []), ...read] }));
  }

  /** On an orderly stop: the requests taken and not answered go to the next czar as they came. */
  async release(): Promise<void> {
    // An answered request's mark went with its file; the rest are this czar's own marks.
    await Promise.all([...this.taken].map((id) => releaseTaken(this.fleet.paths, id)));
  }
}

const DIED_ON =
  'An earlier czar took this request and stopped before it answered (the request may be why it stopped), so it was not carried out again; check "czar status", then ask again if it is still wanted.';

function malformed(why: string): string {
  return `The czar cannot take this request (${visible(why)}), so nothing was done; run the command again as its usage says, and update czar if this one wrote it.`;
}

/** A request that names no worker of this fleet is answered with that, and does nothing. */
function refusal(store: ModelStore, request: CzarRequest): string | undefined {
  if (!('worker' in request) || request.worker === undefined) return undefined;
  return store.model.workers.some((worker) => worker.spec.name === request.worker)
    ? undefined
    : store.noSuchWorker(request.worker);
}
