import type { FleetEvent } from '../model/words.js';
import type { FleetStatus, SprintMetrics, TaskMetrics, WorkerUsageStatus } from './status-schema.js';
import { rollUpChildren } from './metrics-family.js';

/**
 * Sprint metrics from what czar already writes: the event log (transitions and actions, with reasons) and the
 * status file (usage per task). Pure, so `czar stats`, status.json, HANDOFF.md and tests share one reading. The
 * log is folded into an `EventTally` that grows event by event, so the czar's model keeps the tally and folds each
 * event as it is logged instead of reading the log again on every status write.
 */

/** Actions the czar takes by itself (the integration branch's included). */
const CZAR_ACTIONS = new Set([
  'launch',
  'deliver_task',
  'bonus',
  'nudge',
  'rebrief',
  'restart',
  'realign',
  'auto_answer',
  'tell_dependent',
  'interrupt',
  'fixup',
  'integrated',
  'integration_undone',
  'base_advanced',
  'pr_opened',
]);
/** Requests only a person makes (the dashboard's keys go through the same requests). */
const PERSON_KINDS = new Set(['send', 'comments', 'pause', 'resume']);

/** An event a person caused: one of their requests, or an action they asked for (`restart asked by the person`). */
export function isPersonAction(event: FleetEvent): boolean {
  return (
    PERSON_KINDS.has(event.kind) || (CZAR_ACTIONS.has(event.kind) && /\b(?:asked )?by the person\b/.test(event.message))
  );
}

export function isCzarAction(event: FleetEvent): boolean {
  return CZAR_ACTIONS.has(event.kind) && !isPersonAction(event);
}

/** One task's facts from the log: its window on its worker opens at its delivery and closes at the next task's. */
interface TaskTally {
  readonly task: string;
  readonly worker: string;
  readonly from: number;
  readonly toDoneMs?: number | undefined;
  readonly toVerifiedMs?: number | undefined;
  readonly nudges: number;
  readonly restarts: number;
  readonly personActions: number;
}

/** What the event log says so far, in log order. */
export interface EventTally {
  readonly events: number;
  readonly czarActions: number;
  readonly personActions: number;
  readonly tasks: readonly TaskTally[];
}

export const EMPTY_TALLY: EventTally = { events: 0, czarActions: 0, personActions: 0, tasks: [] };

/** The tally after `events`, appended to the log after the ones `tally` has seen. */
export function tallyEvents(tally: EventTally, events: readonly FleetEvent[]): EventTally {
  let { czarActions, personActions } = tally;
  const tasks = [...tally.tasks];
  for (const event of events) {
    const person = isPersonAction(event);
    if (person) personActions++;
    else if (CZAR_ACTIONS.has(event.kind)) czarActions++;
    if (event.worker === undefined) continue;
    const at = Date.parse(event.at);
    const index = tasks.findLastIndex((task) => task.worker === event.worker);
    const open = tasks[index];
    if (event.kind === 'task_delivered') {
      const task = typeof event.data?.taskId === 'string' ? event.data.taskId : event.worker;
      // A restart delivers the same task again: its window started at the first delivery.
      if (open?.task !== task)
        tasks.push({ task, worker: event.worker, from: at, nudges: 0, restarts: 0, personActions: 0 });
      continue;
    }
    if (open === undefined || at < open.from) continue;
    tasks[index] = countInto(open, event, at, person);
  }
  return { events: tally.events + events.length, czarActions, personActions, tasks };
}

function countInto(task: TaskTally, event: FleetEvent, at: number, person: boolean): TaskTally {
  // The log says `working -> done: <reason>`: the state is the word after the first arrow.
  const to = event.kind === 'state' ? /-> (\w+)/.exec(event.message)?.[1] : undefined;
  const reached = (state: string): boolean => to === state;
  // Checks that pass before the czar's next look take a worker straight to verified: that is done too.
  const done = task.toDoneMs === undefined && (reached('done') || reached('verified'));
  const verified = task.toVerifiedMs === undefined && reached('verified');
  return {
    ...task,
    ...(done ? { toDoneMs: at - task.from } : {}),
    ...(verified ? { toVerifiedMs: at - task.from } : {}),
    nudges: task.nudges + (event.kind === 'nudge' ? 1 : 0),
    restarts: task.restarts + (event.kind === 'restart' ? 1 : 0),
    personActions: task.personActions + (person ? 1 : 0),
  };
}

/** The metrics as of `now`, from the log's tally and the status file's usage. */
export function sprintMetrics(status: FleetStatus, tally: EventTally, now: number): SprintMetrics {
  const usageOf = new Map(status.workers.map((worker) => [worker.name, worker.usage]));
  const own = tally.tasks.map((task) => keptTaskMetrics(task, usageOf.get(task.worker)));
  const parentOf = new Map(
    status.workers.flatMap((worker) => (worker.parent === undefined ? [] : [[worker.name, worker.parent] as const])),
  );
  const tasks = rollUpChildren(own, parentOf);
  const hours = Math.max(now - Date.parse(status.startedAt), 60_000) / 3_600_000;
  const tasksDone = tasks.filter((task) => task.toDoneMs !== undefined).length;
  const { czarActions, personActions } = tally;
  const usd = status.usage?.usd;
  return {
    hours,
    tasksDone,
    tasksPerHour: tasksDone / hours,
    usd,
    usdPerDoneTask: usd === undefined || tasksDone === 0 ? undefined : usd / tasksDone,
    usdPerHour: usd === undefined ? undefined : usd / hours,
    tokens: status.usage?.tokens,
    czarActions,
    personActions,
    autonomy: czarActions + personActions === 0 ? undefined : czarActions / (czarActions + personActions),
    tasks,
  };
}

const keptTasks = new WeakMap<TaskTally, { usage: WorkerUsageStatus | undefined; metrics: TaskMetrics }>();

/**
 * A task's metrics, the same object as last time while its tally and its worker's usage are: the tally keeps the
 * tasks that no event touched, so status.json's text is made again for the tasks that moved only.
 */
function keptTaskMetrics(task: TaskTally, usage: WorkerUsageStatus | undefined): TaskMetrics {
  const kept = keptTasks.get(task);
  if (kept !== undefined && kept.usage === usage) return kept.metrics;
  const taskUsage = usage?.tasks.find((entry) => entry.task === task.task);
  const metrics: TaskMetrics = {
    task: task.task,
    worker: task.worker,
    startedAt: new Date(task.from).toISOString(),
    toDoneMs: task.toDoneMs,
    toVerifiedMs: task.toVerifiedMs,
    nudges: task.nudges,
    restarts: task.restarts,
    personActions: task.personActions,
    tokens: usage === undefined ? undefined : (taskUsage?.tokens ?? 0),
    usd: usage === undefined ? undefined : (taskUsage?.usd ?? 0),
    ...(taskUsage?.reviewUsd === undefined ? {} : { reviewUsd: taskUsage.reviewUsd }),
    unpricedModels: taskUsage?.unpricedModels ?? [],
  };
  keptTasks.set(task, { usage, metrics });
  return metrics;
}
