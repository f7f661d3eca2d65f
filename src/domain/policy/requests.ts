import { resumeBudget, setBudget } from './budget.js';
import type { CzarRequest } from '../model/czar-request.js';
import type { FleetModel } from '../model/model.js';
import type { RequestObservation } from '../model/observations.js';
import { bonusByPerson, messageFromPerson, notStartedYet, restartByPerson, setAutonomy } from './person.js';
import type { Action } from './actions.js';
import { takeComment } from './comments.js';
import { retryReview } from './review-retry.js';
import { answerCancel, answerSpawn } from './spawn.js';

const BY_PERSON = 'asked by the person';

/** Answers the request; with `after`, once the effect just asked of that worker is over (its error if it failed). */
type Reply = (ok: boolean, message: string, after?: string) => void;

/** The requests that act on one worker's agent. */
type WorkerRequest = Extract<CzarRequest, { kind: 'send' | 'comment' | 'restart' | 'bonus' | 'review' }>;

/**
 * A person's requests (`czar send/comment/review/bonus/restart/pause/resume/budget/stop`, the dashboard's keys), in the
 * order they came: each changes the czar's memory, asks for its effect, and is answered once. The returned fleet holds no request.
 */
export function answerRequests(fleet: FleetModel, now: number, actions: Action[]): FleetModel {
  if (fleet.requests === undefined) return fleet;
  let next: FleetModel = { ...fleet, requests: undefined };
  for (const observed of fleet.requests) next = answerRequest(next, observed, now, actions);
  return next;
}

function answerRequest(
  fleet: FleetModel,
  { request, refused, child }: RequestObservation,
  now: number,
  actions: Action[],
): FleetModel {
  const reply: Reply = (ok, message, after) =>
    actions.push({ kind: 'reply', request: request.id, ok, message, after, reason: `${request.kind} ${BY_PERSON}` });
  if (refused !== undefined || request.kind === 'unreadable') {
    reply(false, refused ?? `request ${request.id} is not one the czar takes`);
    return fleet;
  }
  switch (request.kind) {
    case 'stop':
      // The answer goes first: the czar writes the answers it owes before it is gone.
      reply(true, 'the czar is stopping; the workers keep running');
      actions.push({ kind: 'stop_czar', reason: BY_PERSON });
      return fleet;
    case 'pause':
    case 'resume': {
      const paused = request.kind === 'pause';
      const { worker } = request;
      const said = `autonomy ${paused ? 'paused' : 'resumed'} for ${worker ?? 'all workers'}`;
      actions.push(
        worker === undefined
          ? { kind: 'fleet_event', event: request.kind, message: said, reason: BY_PERSON }
          : { kind: 'event', worker, event: request.kind, message: said, reason: BY_PERSON },
      );
      reply(true, said);
      const next = setAutonomy(fleet, worker, paused);
      return paused || worker === undefined ? next : resumeBudget(next, worker);
    }
    case 'budget': {
      const set = setBudget(fleet, request.worker, request.usd);
      actions.push(
        request.worker === undefined
          ? { kind: 'fleet_event', event: 'budget_set', message: set.message, reason: BY_PERSON }
          : { kind: 'event', worker: request.worker, event: 'budget_set', message: set.message, reason: BY_PERSON },
      );
      reply(true, set.message);
      return set.fleet;
    }
    case 'spawn':
      return answerSpawn(fleet, request, child, now, actions, reply);
    case 'cancel':
      return answerCancel(fleet, request, now, actions, reply);
    case 'send':
    case 'comment':
    case 'restart':
    case 'bonus':
    case 'review': {
      const notStarted = notStartedYet(fleet, request.worker, request.kind);
      if (notStarted === undefined) return actOnWorker(fleet, request, now, actions, reply);
      reply(false, notStarted);
      return fleet;
    }
  }
}

function actOnWorker(fleet: FleetModel, request: WorkerRequest, now: number, actions: Action[], reply: Reply) {
  const { worker } = request;
  switch (request.kind) {
    case 'send':
      actions.push({ kind: 'send', worker, text: request.text, reason: BY_PERSON });
      reply(true, `delivered the message to ${worker}`, worker);
      return messageFromPerson(fleet, worker);
    case 'comment': {
      const taken = takeComment(fleet, request, now);
      if ('refused' in taken) {
        reply(false, taken.refused);
        return fleet;
      }
      reply(true, `took the comment for ${worker}: it is delivered with any others once its current turn ends`);
      return taken.fleet;
    }
    case 'review': {
      const retried = retryReview(fleet, worker);
      if ('refused' in retried) {
        reply(false, retried.refused);
        return fleet;
      }
      actions.push(retried.action);
      reply(true, `the review of ${worker}'s tip runs again as a new round; its verdict shows in "czar status"`);
      return retried.fleet;
    }
    case 'restart': {
      const fresh = request.fresh === true;
      const decision = restartByPerson(fleet, worker, now, fresh);
      if (decision === undefined) {
        reply(false, `There is no worker "${worker}".`);
        return fleet;
      }
      const attempt = fleet.workers.find((model) => model.spec.name === worker)?.memory.restarts ?? 0;
      const { task, start } = decision;
      actions.push({ kind: 'restart', worker, attempt, cause: 'person', task, start, reason: BY_PERSON });
      reply(
        true,
        start.kind === 'resume'
          ? `restarted ${worker} in its own conversation, told only that it was restarted`
          : `restarted ${worker} afresh and sent its task again (${start.why})`,
        worker,
      );
      return decision.fleet;
    }
    case 'bonus': {
      const decision = bonusByPerson(fleet, worker, now);
      if (decision === undefined) {
        reply(false, 'The bonus queue is empty; add tasks under "bonus:" in the config.');
        return fleet;
      }
      actions.push({ kind: 'bonus', worker, task: decision.task, reason: BY_PERSON });
      reply(true, `gave "${decision.task.title}" to ${worker}`);
      return decision.fleet;
    }
  }
}
