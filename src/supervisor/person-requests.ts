import path from 'node:path';
import { removeFile } from '../adapters/file-system.js';
import { readJson } from '../adapters/state-files.js';
import { resumeBudget } from '../domain/budget.js';
import type { FleetModel } from '../domain/model.js';
import { bonusByPerson, messageFromPerson, notStartedYet, restartByPerson, setAutonomy } from '../domain/person.js';
import { CzarRequestSchema, type CzarRequest, type CzarRequestResult } from '../domain/czar-request.js';
import type { WorkerSpec } from '../domain/config-types.js';
import type { Fleet } from '../fleet/handle.js';
import { answerRequest, pendingRequests } from '../fleet/requests.js';
import type { Executor } from './executor.js';

/** What answering a person's requests needs of the czar. */
export interface PersonRequestPort {
  readonly fleet: Fleet;
  readonly executor: Executor;
  model(): FleetModel;
  setModel(model: FleetModel): void;
  /** The worker's name as configured; throws a sentence for an unknown one. */
  known(name: string): string;
  spec(name: string): WorkerSpec;
  stop(): Promise<void>;
}

/** Answers every pending request file (`czar send/bonus/restart/pause/resume/stop`, the dashboard's keys), in order. */
export async function handlePersonRequests(czar: PersonRequestPort): Promise<void> {
  for (const file of await pendingRequests(czar.fleet.paths)) {
    const raw = await readJson<unknown>(file);
    await removeFile(file);
    const parsed = CzarRequestSchema.safeParse(raw);
    if (!parsed.success) {
      await czar.fleet.log.emit('bad_request', `ignored malformed request ${path.basename(file)}`);
      continue;
    }
    const result = await handleRequest(czar, parsed.data).catch((error: unknown): CzarRequestResult => ({ id: parsed.data.id, ok: false, message: error instanceof Error ? error.message : String(error) }));
    await answerRequest(czar.fleet.paths, result);
  }
}

/** A person's request, from `czar send/bonus/restart/pause/resume` or the dashboard's keys. */
async function handleRequest(czar: PersonRequestPort, request: CzarRequest): Promise<CzarRequestResult> {
  const reply = (ok: boolean, message: string): CzarRequestResult => ({ id: request.id, ok, message });
  const notStarted = request.kind === 'send' || request.kind === 'restart' || request.kind === 'bonus' ? notStartedYet(czar.model(), czar.known(request.worker), request.kind) : undefined;
  if (notStarted !== undefined) return reply(false, notStarted);
  switch (request.kind) {
    case 'stop':
      void czar.stop();
      return reply(true, 'the czar is stopping; the workers keep running');
    case 'pause':
    case 'resume': {
      const paused = request.kind === 'pause';
      czar.setModel(setAutonomy(czar.model(), request.worker === undefined ? undefined : czar.known(request.worker), paused));
      if (!paused && request.worker !== undefined) czar.setModel(resumeBudget(czar.model(), request.worker));
      const who = request.worker ?? 'all workers';
      await czar.fleet.log.emit(request.kind, `autonomy ${paused ? 'paused' : 'resumed'} for ${who} by the person`, request.worker);
      return reply(true, `autonomy ${paused ? 'paused' : 'resumed'} for ${who}`);
    }
    case 'send': {
      const spec = czar.spec(czar.known(request.worker));
      await czar.fleet.log.emit('send', `message from the person (${Buffer.byteLength(request.text)} bytes)`, spec.name);
      czar.setModel(messageFromPerson(czar.model(), spec.name));
      await czar.executor.enqueue(spec.name, () => czar.executor.send(spec, request.text));
      return reply(true, `delivered the message to ${spec.name}`);
    }
    case 'restart': {
      const name = czar.known(request.worker);
      const decision = restartByPerson(czar.model(), name, Date.now());
      if (decision === undefined) return reply(false, `There is no worker "${name}".`);
      czar.setModel(decision.fleet);
      await czar.fleet.log.emit('restart', 'restart asked by the person', name);
      await czar.executor.enqueue(name, () => czar.executor.restart(czar.spec(name), decision.task));
      return reply(true, `restarted ${name} and sent its task again`);
    }
    case 'bonus': {
      const name = czar.known(request.worker);
      const decision = bonusByPerson(czar.model(), name, Date.now());
      if (decision === undefined) return reply(false, 'The bonus queue is empty; add tasks under "bonus:" in the config.');
      czar.setModel(decision.fleet);
      czar.executor.apply({ kind: 'bonus', worker: name, task: decision.task, reason: 'asked by the person' });
      return reply(true, `gave "${decision.task.title}" to ${name}`);
    }
  }
}
