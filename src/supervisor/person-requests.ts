import path from 'node:path';
import { removeFile } from '../adapters/file-system.js';
import { readJson } from '../adapters/state-files.js';
import { resumeBudget } from '../domain/budget.js';
import { bonusByPerson, messageFromPerson, notStartedYet, restartByPerson, setAutonomy } from '../domain/person.js';
import { CzarRequestSchema, type CzarRequest, type CzarRequestResult } from '../domain/czar-request.js';
import type { Fleet } from '../fleet/handle.js';
import { answerRequest, pendingRequests } from '../fleet/requests.js';
import type { Executor } from './executor.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';

/** What answering a person's requests needs of the czar besides the model. */
interface PersonRequestPort {
  readonly fleet: Fleet;
  readonly executor: Executor;
  readonly store: ModelStore;
  stop(): Promise<void>;
}

/** The source of a person's requests (`czar send/bonus/restart/pause/resume/stop`, the dashboard's keys). */
export class PersonRequests implements Source {
  readonly name = 'requests';
  /** A request file arrived since the last poll (and at the start: files left from before this czar). */
  private pending = true;

  constructor(
    private readonly fleet: Fleet,
    private readonly executor: Executor,
    private readonly stop: () => Promise<void>,
  ) {}

  mark(): void {
    this.pending = true;
  }

  async poll(store: ModelStore): Promise<void> {
    if (!this.pending) return;
    this.pending = false;
    await handlePersonRequests({ fleet: this.fleet, executor: this.executor, store, stop: this.stop });
  }
}

/** Answers every pending request file, in order. */
async function handlePersonRequests(czar: PersonRequestPort): Promise<void> {
  for (const file of await pendingRequests(czar.fleet.paths)) {
    const raw = await readJson<unknown>(file);
    await removeFile(file);
    const parsed = CzarRequestSchema.safeParse(raw);
    if (!parsed.success) {
      await czar.fleet.log.emit('bad_request', `ignored malformed request ${path.basename(file)}`);
      continue;
    }
    const result = await handleRequest(czar, parsed.data).catch((error: unknown): CzarRequestResult => ({
      id: parsed.data.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    }));
    await answerRequest(czar.fleet.paths, result);
  }
}

/** A person's request, from `czar send/bonus/restart/pause/resume` or the dashboard's keys. */
async function handleRequest(czar: PersonRequestPort, request: CzarRequest): Promise<CzarRequestResult> {
  const reply = (ok: boolean, message: string): CzarRequestResult => ({ id: request.id, ok, message });
  const notStarted =
    request.kind === 'send' || request.kind === 'restart' || request.kind === 'bonus'
      ? notStartedYet(czar.store.model, czar.store.spec(request.worker).name, request.kind)
      : undefined;
  if (notStarted !== undefined) return reply(false, notStarted);
  switch (request.kind) {
    case 'stop':
      void czar.stop();
      return reply(true, 'the czar is stopping; the workers keep running');
    case 'pause':
    case 'resume': {
      const paused = request.kind === 'pause';
      const { worker } = request;
      const name = worker === undefined ? undefined : czar.store.spec(worker).name;
      czar.store.change((model) => setAutonomy(model, name, paused));
      if (!paused && worker !== undefined) czar.store.change((model) => resumeBudget(model, worker));
      const who = request.worker ?? 'all workers';
      await czar.fleet.log.emit(
        request.kind,
        `autonomy ${paused ? 'paused' : 'resumed'} for ${who} by the person`,
        request.worker,
      );
      return reply(true, `autonomy ${paused ? 'paused' : 'resumed'} for ${who}`);
    }
    case 'send': {
      const spec = czar.store.spec(request.worker);
      await czar.fleet.log.emit(
        'send',
        `message from the person (${Buffer.byteLength(request.text)} bytes)`,
        spec.name,
      );
      czar.store.change((model) => messageFromPerson(model, spec.name));
      await czar.executor.enqueue(spec.name, () => czar.executor.send(spec, request.text));
      return reply(true, `delivered the message to ${spec.name}`);
    }
    case 'restart': {
      const name = czar.store.spec(request.worker).name;
      const decision = restartByPerson(czar.store.model, name, Date.now());
      if (decision === undefined) return reply(false, `There is no worker "${name}".`);
      czar.store.set(decision.fleet);
      await czar.fleet.log.emit('restart', 'restart asked by the person', name);
      await czar.executor.enqueue(name, () => czar.executor.restart(czar.store.spec(name), decision.task));
      return reply(true, `restarted ${name} and sent its task again`);
    }
    case 'bonus': {
      const name = czar.store.spec(request.worker).name;
      const decision = bonusByPerson(czar.store.model, name, Date.now());
      if (decision === undefined)
        return reply(false, 'The bonus queue is empty; add tasks under "bonus:" in the config.');
      czar.store.set(decision.fleet);
      czar.executor.apply({ kind: 'bonus', worker: name, task: decision.task, reason: 'asked by the person' });
      return reply(true, `gave "${decision.task.title}" to ${name}`);
    }
  }
}
