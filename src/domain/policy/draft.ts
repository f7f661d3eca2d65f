import type { FleetModel, WorkerMemory, WorkerModel } from '../model/model.js';
import type { Alert } from '../status/status-schema.js';
import type { AlertKind, WorkerState } from '../model/words.js';
import type { Action, NotifyEpisode } from './actions.js';

/**
 * The working copy of one worker during a `decide()` pass, and the small moves every rule shares: naming, pausing,
 * raising and clearing alerts, notifying once per episode.
 */

/** States that hold a slot under `max_active`; a crashed worker holds one until the czar gives up on it. */
export const ACTIVE: ReadonlySet<WorkerState> = new Set([
  'starting',
  'working',
  'idle',
  'waiting',
  'stuck',
  'blocked',
  'crashed',
  'api_error',
  'worktree_missing',
]);

/** States in which pasting a message cannot land in a question, a dead pane or an unfinished delivery. */
export const MESSAGEABLE: ReadonlySet<WorkerState> = new Set([
  'working',
  'idle',
  'stuck',
  'done',
  'verified',
  'blocked',
]);

/** Alerts that describe a state: they end when the worker leaves it. */
export const STATE_ALERTS: Partial<Record<AlertKind, WorkerState>> = {
  waiting_input: 'waiting',
  crashed: 'crashed',
  stuck: 'stuck',
  idle_unfinished: 'idle',
  api_error: 'api_error',
};

export type Memory = { -readonly [K in keyof WorkerMemory]: WorkerMemory[K] };

export interface Draft {
  readonly worker: WorkerModel;
  readonly memory: Memory;
  launchedAt: number | undefined;
  /** Why the state is what it is, for events and alerts. */
  why: string;
  /** The first moment this worker's rules change by time alone (Infinity: none known). */
  dueAt: number;
  /** Its inputs are those of a pass that changed nothing of it, before its `dueAt`: its own rules are skipped. */
  readonly resting: boolean;
}

export interface Context {
  readonly fleet: FleetModel;
  readonly now: number;
  readonly iso: string;
  readonly actions: Action[];
}

export function name(draft: Draft): string {
  return draft.worker.spec.name;
}

/**
 * The worker as it stands now: the observations with the memory this pass has updated so far. The memory is the
 * draft's own object, changed in place, so one view per launch time serves the whole pass (rules ask for it many
 * times a worker, and a fleet of hundreds passes every second).
 */
export function model(draft: Draft): WorkerModel {
  const known = views.get(draft);
  if (known !== undefined && known.launchedAt === draft.launchedAt) return known;
  const view = { ...draft.worker, launchedAt: draft.launchedAt, memory: draft.memory };
  views.set(draft, view);
  return view;
}

const views = new WeakMap<Draft, WorkerModel>();

/**
 * Whether `at` has come; if not, the worker is due then. Every rule that waits on the clock asks here, so a fleet with
 * no new facts needs no pass before the first of these moments (`Decision.lookAgainAt`), and a worker with no new
 * facts needs none of its own rules before its own.
 */
export function reached(ctx: Context, draft: Draft, at: number): boolean {
  if (ctx.now >= at) return true;
  dueBy(draft, at);
  return false;
}

/** The worker's rules change by time alone at `at`. */
export function dueBy(draft: Draft, at: number): void {
  draft.dueAt = Math.min(draft.dueAt, at);
}

export function paused(ctx: Context, draft: Draft): boolean {
  return ctx.fleet.paused || draft.memory.paused;
}

export function notifyOnce(ctx: Context, draft: Draft, episode: NotifyEpisode, summary: string, reason: string): void {
  if (draft.memory.notified.includes(episode)) return;
  draft.memory.notified = [...draft.memory.notified, episode];
  ctx.actions.push({ kind: 'notify', worker: name(draft), episode, summary, reason });
}

export function findAlert(memory: Memory, kind: AlertKind, peer: string | undefined): Alert | undefined {
  const alerts = memory.alerts;
  if (alerts.length < INDEX_ALERTS_FROM) return alerts.find((alert) => alert.kind === kind && alert.peer === peer);
  let index = alertIndexes.get(alerts);
  if (index === undefined) {
    index = new Map();
    // The first of a kind and peer, as a walk would find it.
    for (const alert of alerts)
      if (!index.has(alertKey(alert.kind, alert.peer))) index.set(alertKey(alert.kind, alert.peer), alert);
    alertIndexes.set(alerts, index);
  }
  return index.get(alertKey(kind, peer));
}

/**
 * A worker on a file the whole fleet edits carries an overlap and a conflict alert per peer, and the rules across
 * workers ask for each of them every pass: a list that long is looked up by kind and peer. A list keeps its identity
 * until an alert comes or goes, so its index serves pass after pass.
 */
const INDEX_ALERTS_FROM = 16;
const alertIndexes = new WeakMap<readonly Alert[], Map<string, Alert>>();

function alertKey(kind: AlertKind, peer: string | undefined): string {
  return peer === undefined ? kind : `${kind}\0${peer}`;
}

/** Raises an alert unless one of that kind (and peer) is already up. */
export function raiseAlert(
  ctx: Context,
  draft: Draft,
  kind: AlertKind,
  message: string,
  options: { reason: string; files?: readonly string[]; peer?: string },
): void {
  if (findAlert(draft.memory, kind, options.peer) !== undefined) return;
  replaceAlert(ctx, draft, kind, message, options.reason, options);
}

/** Raises an alert, replacing one of the same kind (and peer): for news worth saying again. */
export function replaceAlert(
  ctx: Context,
  draft: Draft,
  kind: AlertKind,
  message: string,
  reason: string,
  extra: { files?: readonly string[]; peer?: string } = {},
): void {
  const old = findAlert(draft.memory, kind, extra.peer);
  const alert: Alert = {
    kind,
    message,
    since: old?.since ?? ctx.iso,
    ...(extra.files === undefined ? {} : { files: extra.files }),
    ...(extra.peer === undefined ? {} : { peer: extra.peer }),
  };
  draft.memory.alerts = [...draft.memory.alerts.filter((other) => other !== old), alert];
  ctx.actions.push({ kind: 'alert', worker: name(draft), alert, reason });
}

/** Raises an alert, or says it again only when its message changed: for a state the worker stays in. */
export function keepAlert(ctx: Context, draft: Draft, kind: AlertKind, message: string, reason: string): void {
  if (findAlert(draft.memory, kind, undefined)?.message !== message) replaceAlert(ctx, draft, kind, message, reason);
}

export function clearAlert(
  ctx: Context,
  draft: Draft,
  kind: AlertKind,
  peer: string | undefined,
  reason: string,
): void {
  const old = findAlert(draft.memory, kind, peer);
  if (old === undefined) return;
  draft.memory.alerts = draft.memory.alerts.filter((other) => other !== old);
  ctx.actions.push({
    kind: 'clear_alert',
    worker: name(draft),
    alertKind: kind,
    ...(peer === undefined ? {} : { peer }),
    reason,
  });
}
