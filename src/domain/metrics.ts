import type { FleetEvent, FleetStatus } from './types.js';

/**
 * Sprint metrics from what czar already writes: the event log (transitions and actions, with reasons) and the
 * status file (usage per task). Pure, so `czar stats`, the dashboard and tests share one reading.
 */

/** Actions the czar takes by itself. */
const CZAR_ACTIONS = new Set(['launch', 'deliver_task', 'bonus', 'nudge', 'rebrief', 'restart', 'realign', 'auto_answer', 'tell_dependent', 'interrupt']);
/** Requests only a person makes (the dashboard's keys go through the same requests). */
const PERSON_KINDS = new Set(['send', 'pause', 'resume']);

/** An event a person caused: one of their requests, or an action they asked for (`restart asked by the person`). */
export function isPersonAction(event: FleetEvent): boolean {
  return PERSON_KINDS.has(event.kind) || (CZAR_ACTIONS.has(event.kind) && /\b(?:asked )?by the person\b/.test(event.message));
}

export function isCzarAction(event: FleetEvent): boolean {
  return CZAR_ACTIONS.has(event.kind) && !isPersonAction(event);
}

export interface TaskMetrics {
  readonly task: string;
  readonly worker: string;
  readonly startedAt: string;
  /** Milliseconds from the task's delivery to the worker's first `done` on it; undefined while not done. */
  readonly toDoneMs: number | undefined;
  /** Milliseconds to the first `verified` state (every check passed), where the fleet has checks. */
  readonly toVerifiedMs: number | undefined;
  readonly nudges: number;
  readonly restarts: number;
  readonly personActions: number;
  /** Undefined when the worker's agent keeps no usage records. */
  readonly tokens: number | undefined;
  readonly usd: number | undefined;
  readonly unpricedModels: readonly string[];
}

export interface SprintMetrics {
  readonly hours: number;
  readonly tasksDone: number;
  readonly tasksPerHour: number;
  readonly usd: number | undefined;
  readonly usdPerDoneTask: number | undefined;
  readonly usdPerHour: number | undefined;
  readonly tokens: number | undefined;
  readonly czarActions: number;
  readonly personActions: number;
  /** Share of actions the czar took by itself: czar / (czar + person); undefined before any action. */
  readonly autonomy: number | undefined;
  readonly tasks: readonly TaskMetrics[];
}

interface Window {
  readonly task: string;
  readonly worker: string;
  readonly from: number;
  readonly to: number;
}

/** Each task's time window on its worker: from its delivery to the next task's delivery (or now). */
function taskWindows(events: readonly FleetEvent[], now: number): Window[] {
  const starts: { task: string; worker: string; at: number }[] = [];
  for (const event of events) {
    if (event.kind !== 'task_delivered' || event.worker === undefined) continue;
    const task = typeof event.data?.taskId === 'string' ? event.data.taskId : event.worker;
    // A restart delivers the same task again: its window started at the first delivery.
    const last = starts.filter((start) => start.worker === event.worker).at(-1);
    if (last?.task === task) continue;
    starts.push({ task, worker: event.worker, at: Date.parse(event.at) });
  }
  return starts.map((start) => {
    const next = starts.find((other) => other.worker === start.worker && other.at > start.at);
    return { task: start.task, worker: start.worker, from: start.at, to: next?.at ?? now };
  });
}

/** Time from the window's start to the first transition into one of `states`. */
function firstState(events: readonly FleetEvent[], window: Window, ...states: string[]): number | undefined {
  const hit = events.find((event) => event.kind === 'state' && event.worker === window.worker && states.some((state) => event.message.endsWith(`-> ${state}`)) && inside(event, window));
  return hit === undefined ? undefined : Date.parse(hit.at) - window.from;
}

function inside(event: FleetEvent, window: Window): boolean {
  const at = Date.parse(event.at);
  return at >= window.from && at < window.to;
}

export function sprintMetrics(status: FleetStatus, events: readonly FleetEvent[], now: number): SprintMetrics {
  const tasks = taskWindows(events, now).map((window): TaskMetrics => {
    const mine = events.filter((event) => event.worker === window.worker && inside(event, window));
    const usage = status.workers.find((worker) => worker.name === window.worker)?.usage;
    const taskUsage = usage?.tasks.find((entry) => entry.task === window.task);
    return {
      task: window.task,
      worker: window.worker,
      startedAt: new Date(window.from).toISOString(),
      // Checks that pass before the czar's next look take a worker straight to verified: that is done too.
      toDoneMs: firstState(events, window, 'done', 'verified'),
      toVerifiedMs: firstState(events, window, 'verified'),
      nudges: mine.filter((event) => event.kind === 'nudge').length,
      restarts: mine.filter((event) => event.kind === 'restart').length,
      personActions: mine.filter(isPersonAction).length,
      tokens: usage === undefined ? undefined : (taskUsage?.tokens ?? 0),
      usd: usage === undefined ? undefined : (taskUsage?.usd ?? 0),
      unpricedModels: taskUsage?.unpricedModels ?? [],
    };
  });
  const hours = Math.max(now - Date.parse(status.startedAt), 60_000) / 3_600_000;
  const tasksDone = tasks.filter((task) => task.toDoneMs !== undefined).length;
  const czarActions = events.filter(isCzarAction).length;
  const personActions = events.filter(isPersonAction).length;
  const usd = status.usage?.usd;
  return {
    hours,
    tasksDone,
    tasksPerHour: tasksDone / hours,
    usd,
    usdPerDoneTask: usd === undefined || tasksDone === 0 ? undefined : usd / tasksDone,
    usdPerHour: status.usage?.usdPerHour,
    tokens: status.usage?.tokens,
    czarActions,
    personActions,
    autonomy: czarActions + personActions === 0 ? undefined : czarActions / (czarActions + personActions),
    tasks,
  };
}
