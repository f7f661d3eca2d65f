import { apiFailureStep } from './api-failure.js';
import { classifyWithReason, currentApiFailure, duration, freshReport } from './classify.js';
import {
  currentTask,
  effectiveScope,
  epoch,
  hasEvidence,
  ownTask,
  touchedFiles,
  type DeliverySummary,
  type FleetModel,
  type GivenTask,
  type LadderRung,
  type WorkerMemory,
  type WorkerModel,
} from './fleet.js';
import { checkBudgets, fleetBudgetSpent } from './budget.js';
import { inScope } from './glob.js';
import type { Alert, AlertKind, BonusTask, WorkerState } from './types.js';
import { judgeConflicts } from './conflicts.js';
import { checksFailedOnTip, finishedForGood, judgeChecks, type CheckFailure } from './verification.js';

/**
 * The czar's decisions as data. The shell applies them; every one carries a `reason` a person can read in the
 * event log ("idle 95 s with no done report").
 */
export type Action =
  /** Start a queued worker's agent and deliver its own task (with what its dependencies delivered). */
  | { readonly kind: 'launch'; readonly worker: string; readonly task: GivenTask; readonly dependencies: readonly DeliverySummary[]; readonly reason: string }
  /** Paste the task into a worker that was launched before its dependencies were done. */
  | { readonly kind: 'deliver_task'; readonly worker: string; readonly task: GivenTask; readonly dependencies: readonly DeliverySummary[]; readonly reason: string }
  | { readonly kind: 'bonus'; readonly worker: string; readonly task: BonusTask; readonly reason: string }
  | { readonly kind: 'nudge'; readonly worker: string; readonly situation: StallSituation; readonly reason: string }
  /** Paste the current task again, whole. */
  | { readonly kind: 'rebrief'; readonly worker: string; readonly task: GivenTask; readonly reason: string }
  /** Respawn the agent in the same worktree and paste the current task again. */
  | { readonly kind: 'restart'; readonly worker: string; readonly attempt: number; readonly cause: 'crashed' | 'stalled'; readonly task: GivenTask; readonly reason: string }
  | { readonly kind: 'answer'; readonly worker: string; readonly keys: readonly string[]; readonly rule: string; readonly reason: string }
  /** Stop the running turn with the agent's own interrupt key; the agent keeps running and its work stays. */
  | { readonly kind: 'interrupt'; readonly worker: string; readonly reason: string }
  | { readonly kind: 'realign'; readonly worker: string; readonly files: readonly string[]; readonly scope: readonly string[]; readonly reason: string }
  | { readonly kind: 'alert'; readonly worker: string; readonly alert: Alert; readonly reason: string }
  | { readonly kind: 'clear_alert'; readonly worker: string; readonly alertKind: AlertKind; readonly peer?: string; readonly reason: string }
  /** Tell the person, once per episode (needs input, done, blocked, stalled past the ladder, crashed for good). */
  | { readonly kind: 'notify'; readonly worker: string; readonly episode: NotifyEpisode; readonly summary: string; readonly reason: string }
  | { readonly kind: 'event'; readonly worker: string; readonly event: string; readonly message: string; readonly reason: string }
  | { readonly kind: 'tell_dependents'; readonly worker: string; readonly dependents: readonly string[]; readonly summary: DeliverySummary; readonly reason: string }
  /** Run the worker's checks on this commit of its branch (the check source answers with an observation). */
  | { readonly kind: 'run_checks'; readonly worker: string; readonly sha: string; readonly reason: string }
  /** Tell the worker which check failed on its done commit, with the tail of its output. */
  | { readonly kind: 'fixup'; readonly worker: string; readonly sha: string; readonly failure: CheckFailure; readonly reason: string }
  /** Tell the worker, once, that its branch is predicted to conflict with a peer's (or base), and who owns that side. */
  | { readonly kind: 'warn_conflict'; readonly worker: string; readonly peer: string | undefined; readonly peerBranch: string; readonly files: readonly string[]; readonly reason: string };

export type ActionKind = Action['kind'];

/** Why a worker is on the escalation ladder. */
export type StallSituation = 'idle' | 'stuck' | 'no_evidence' | 'api_error';

export const NOTIFY_EPISODES = ['waiting', 'done', 'verified', 'blocked', 'stalled', 'crashed', 'api_error', 'over_budget'] as const;
export type NotifyEpisode = (typeof NOTIFY_EPISODES)[number];

export interface Decision {
  readonly actions: readonly Action[];
  readonly fleet: FleetModel;
}

/** States that hold a slot under `max_active`; a crashed worker holds one until the czar gives up on it. */
const ACTIVE: ReadonlySet<WorkerState> = new Set(['starting', 'working', 'idle', 'waiting', 'stuck', 'blocked', 'crashed', 'api_error']);
/** States in which pasting a message cannot land in a question, a dead pane or an unfinished delivery. */
const MESSAGEABLE: ReadonlySet<WorkerState> = new Set(['working', 'idle', 'stuck', 'done', 'verified', 'blocked']);
/** Alerts that describe a state: they end when the worker leaves it. */
const STATE_ALERTS: Partial<Record<AlertKind, WorkerState>> = { waiting_input: 'waiting', crashed: 'crashed', stuck: 'stuck', idle_unfinished: 'idle', api_error: 'api_error' };
/** How long an auto-answered prompt may stay on screen before the person is asked instead. */
export const ANSWER_GRACE_MS = 10_000;

type Memory = { -readonly [K in keyof WorkerMemory]: WorkerMemory[K] };

interface Draft {
  readonly worker: WorkerModel;
  readonly memory: Memory;
  launchedAt: number | undefined;
  /** Why the state is what it is, for events and alerts. */
  why: string;
}

/**
 * One pass of the czar's judgement: classify every worker, then walk the policy (crash restarts, answers, the
 * escalation ladder, evidence checks, scope and overlap, dependencies, launches under `max_active`, bonus tasks).
 * Pure: the returned fleet holds the updated memory, so calling again with no new facts yields no new actions.
 */
export function decide(observed: FleetModel, now: number): Decision {
  const { fleet, actions } = checkBudgets(observed, now);
  const drafts = fleet.workers.map((worker): Draft => ({ worker, memory: { ...worker.memory }, launchedAt: worker.launchedAt, why: '' }));
  const byName = new Map(drafts.map((draft) => [draft.worker.spec.name, draft]));
  const ctx: Context = { fleet, now, actions, iso: new Date(now).toISOString() };

  for (const draft of drafts) transition(ctx, draft);
  for (const draft of drafts) act(ctx, draft);
  for (const draft of drafts) {
    const checks = judgeChecks(model(draft), now, !paused(ctx, draft) && draft.worker.pane?.alive === true);
    Object.assign(draft.memory, checks.memory);
    actions.push(...checks.actions);
  }
  for (const draft of drafts) checkScope(ctx, draft);
  for (const draft of drafts) checkTask(ctx, draft);
  checkOverlap(ctx, drafts);
  for (const draft of drafts) {
    const conflicts = judgeConflicts(model(draft), fleet, now, !paused(ctx, draft) && MESSAGEABLE.has(draft.memory.state) && draft.worker.pane?.alive === true);
    Object.assign(draft.memory, conflicts.memory);
    actions.push(...conflicts.actions);
  }
  for (const draft of drafts) tellDependents(ctx, draft, drafts);
  let active = drafts.filter((draft) => ACTIVE.has(draft.memory.state) && !draft.memory.gaveUp).length;
  active = launchQueued(ctx, drafts, byName, active);
  const queue = handOutBonus(ctx, drafts, active);
  for (const draft of drafts) notifyDone(ctx, draft);
  // Restarts and new tasks change what the facts mean (older reports go stale): settle on that now, so a second
  // call with the same facts finds nothing to do.
  for (const draft of drafts) transition(ctx, draft);

  const workers = drafts.map(model);
  return { actions, fleet: { ...fleet, workers, queue } };
}

interface Context {
  readonly fleet: FleetModel;
  readonly now: number;
  readonly iso: string;
  readonly actions: Action[];
}

function name(draft: Draft): string {
  return draft.worker.spec.name;
}

/** The worker as it stands now: the observations with the memory this pass has updated so far. */
function model(draft: Draft): WorkerModel {
  return { ...draft.worker, launchedAt: draft.launchedAt, memory: draft.memory };
}

function paused(ctx: Context, draft: Draft): boolean {
  return ctx.fleet.paused || draft.memory.paused;
}

/** Classifies the worker, logs a change of state and ends the alerts and episodes that belonged to the old one. */
function transition(ctx: Context, draft: Draft): void {
  const { state, reason } = classifyWithReason(model(draft), ctx.now, ctx.fleet.policy);
  const memory = draft.memory;
  draft.why = reason;
  if (state !== memory.state) {
    ctx.actions.push({ kind: 'event', worker: name(draft), event: 'state', message: `${memory.state} -> ${state}`, reason });
    memory.state = state;
    memory.stateSince = ctx.now;
  }
  for (const alert of memory.alerts) {
    const owner = STATE_ALERTS[alert.kind];
    if (owner !== undefined && owner !== state) clearAlert(ctx, draft, alert.kind, undefined, `no longer ${owner}`);
  }
  const stalled = isStalled(draft);
  memory.notified = memory.notified.filter((episode) => (episode === 'stalled' ? stalled : episode === state || (episode === 'crashed' && memory.gaveUp)));
  if (state !== 'waiting') memory.answered = undefined;
  if (memory.ladder.rung !== 'none' && madeProgress(draft)) {
    ctx.actions.push({ kind: 'event', worker: name(draft), event: 'ladder_reset', message: `escalation ladder reset from ${memory.ladder.rung}`, reason: 'new commit, new task or a clear report since the last rung' });
    memory.ladder = { rung: 'none', at: ctx.now };
  }
}

/** Evidence that the worker moved since the last rung: a commit, a new task, or an answer it owes nobody else. */
function madeProgress(draft: Draft): boolean {
  const { memory, git } = model(draft);
  const since = memory.ladder.at;
  if ((epoch(git.lastCommit?.at) ?? 0) > since) return true;
  if ((memory.briefedAt ?? 0) > since) return true;
  const state = draft.memory.state;
  return state === 'waiting' || state === 'blocked' || (state === 'done' && hasEvidence(model(draft)) && !checksFailedOnTip(model(draft)));
}

function isStalled(draft: Draft): boolean {
  const state = draft.memory.state;
  return state === 'idle' || state === 'stuck' || (state === 'done' && !hasEvidence(model(draft)));
}

/** The per-state part of the policy. */
function act(ctx: Context, draft: Draft): void {
  const state = draft.memory.state;
  claimsWithoutProcess(ctx, draft);
  switch (state) {
    case 'crashed':
      crashed(ctx, draft);
      return;
    case 'waiting':
      waiting(ctx, draft);
      return;
    case 'blocked':
      notifyOnce(ctx, draft, 'blocked', `${name(draft)} is blocked: ${draft.worker.report?.note ?? 'no note given'}`, draft.why);
      return;
    case 'done':
      if (hasEvidence(model(draft))) {
        clearAlert(ctx, draft, 'no_evidence', undefined, `${draft.worker.git.commitsAhead} commit(s) ahead of ${ctx.fleet.base}`);
        draft.memory.completedAt ??= ctx.now;
      } else {
        raiseAlert(ctx, draft, 'no_evidence', `reported done but has no new commits ahead of ${ctx.fleet.base}`, { reason: 'done needs commits on the branch' });
        ladder(ctx, draft, 'no_evidence');
      }
      return;
    case 'verified':
      draft.memory.completedAt ??= ctx.now;
      return;
    case 'idle':
      raiseAlert(ctx, draft, 'idle_unfinished', `${draft.why}: the agent ended its turn with work left`, { reason: draft.why });
      ladder(ctx, draft, 'idle');
      return;
    case 'stuck':
      raiseAlert(ctx, draft, 'stuck', draft.why, { reason: draft.why });
      ladder(ctx, draft, 'stuck');
      return;
    case 'api_error':
      apiFailed(ctx, draft);
      return;
    case 'queued':
    case 'starting':
    case 'working':
    case 'stopped':
    case 'over_budget':
      return;
  }
}

/** A report of `working` from a worker whose agent is gone is a claim without evidence. */
function claimsWithoutProcess(ctx: Context, draft: Draft): void {
  const claims = draft.memory.state === 'crashed' && freshReport(model(draft))?.state === 'working';
  if (claims) raiseAlert(ctx, draft, 'no_evidence', 'reports working but its agent process has exited', { reason: draft.why });
  else if (draft.memory.state !== 'done') clearAlert(ctx, draft, 'no_evidence', undefined, 'the claim no longer contradicts the evidence');
}

function crashed(ctx: Context, draft: Draft): void {
  const memory = draft.memory;
  const { max, backoffMs } = ctx.fleet.policy.restart;
  if (memory.gaveUp) return;
  // Crashed since before the last restart: that restart has not taken effect yet, so this is the old crash.
  if (memory.lastRestartAt !== undefined && memory.stateSince <= memory.lastRestartAt) return;
  if (memory.restarts >= max) {
    memory.gaveUp = true;
    const message = `${draft.why}; gave up after ${memory.restarts} restart(s)`;
    replaceAlert(ctx, draft, 'crashed', message, `restart budget of ${max} used up`);
    ctx.actions.push({ kind: 'event', worker: name(draft), event: 'gave_up', message, reason: `restart budget of ${max} used up` });
    notifyOnce(ctx, draft, 'crashed', `${name(draft)} crashed for good: ${message}`, message);
    return;
  }
  // Exponential backoff from the crash (or the last attempt, if the shell has not respawned yet).
  const delay = backoffMs * 2 ** memory.restarts;
  const since = Math.max(memory.stateSince, memory.lastRestartAt ?? 0);
  raiseAlert(ctx, draft, 'crashed', `${draft.why}; restart ${memory.restarts + 1} of ${max} after ${duration(delay)}`, { reason: draft.why });
  if (paused(ctx, draft) || ctx.now - since < delay) return;
  restart(ctx, draft, 'crashed', `${draft.why}; restart ${memory.restarts + 1} of ${max} after ${duration(ctx.now - since)} backoff`);
}

function restart(ctx: Context, draft: Draft, cause: 'crashed' | 'stalled', reason: string): void {
  const memory = draft.memory;
  const task = currentTask(model(draft)) ?? ownTask(draft.worker.spec, ctx.now);
  memory.restarts += 1;
  memory.lastRestartAt = ctx.now;
  memory.briefedAt = ctx.now;
  ctx.actions.push({ kind: 'restart', worker: name(draft), attempt: memory.restarts, cause, task, reason });
}

/** Failed model calls: the step (tell the person, wait, one "continue") comes from `apiFailureStep`. */
function apiFailed(ctx: Context, draft: Draft): void {
  const worker = model(draft);
  const failure = currentApiFailure(worker);
  if (failure === undefined) return;
  const memory = draft.memory;
  const progressAt = Math.max(epoch(worker.git.lastCommit?.at) ?? 0, memory.briefedAt ?? 0);
  const step = apiFailureStep(failure, { failedAt: memory.stateSince, retries: memory.apiRetries, progressAt, now: ctx.now, backoffMs: ctx.fleet.policy.restart.backoffMs });
  if (findAlert(memory, 'api_error', undefined)?.message !== step.alert) replaceAlert(ctx, draft, 'api_error', step.alert, draft.why);
  if (step.kind === 'tell_person') notifyOnce(ctx, draft, 'api_error', `${name(draft)}: ${step.alert}`, draft.why);
  if (step.kind !== 'continue' || paused(ctx, draft) || draft.worker.pane?.alive !== true) return;
  ctx.actions.push({ kind: 'nudge', worker: name(draft), situation: 'api_error', reason: step.alert });
  memory.apiRetries = step.retries;
}

function waiting(ctx: Context, draft: Draft): void {
  const memory = draft.memory;
  const pane = draft.worker.pane;
  const screen = pane?.screenWaiting === true ? pane.screen : undefined;
  const rule = screen === undefined ? undefined : ctx.fleet.policy.autoAnswer.find((candidate) => new RegExp(candidate.match, 'm').test(screen));
  if (rule !== undefined && screen !== undefined && !paused(ctx, draft)) {
    if (memory.answered?.screen !== screen) {
      memory.answered = { screen, at: ctx.now };
      ctx.actions.push({ kind: 'answer', worker: name(draft), keys: rule.send, rule: rule.match, reason: `prompt on screen matches auto_answer /${rule.match}/` });
      return;
    }
    // The same prompt is still there after our answer: the answer did not take, so ask the person.
    if (ctx.now - memory.answered.at < ANSWER_GRACE_MS) return;
  }
  const note = freshReport(model(draft))?.state === 'waiting' ? draft.worker.report?.note : undefined;
  const message = note === undefined ? 'needs your input: a question is waiting on screen' : `needs your input: ${note}`;
  raiseAlert(ctx, draft, 'waiting_input', message, { reason: draft.why });
  notifyOnce(ctx, draft, 'waiting', `${name(draft)} ${message}`, draft.why);
}

const NEXT_RUNG: Record<LadderRung, LadderRung | undefined> = { none: 'nudge', nudge: 'rebrief', rebrief: 'restart', restart: 'human', human: undefined };

/** One rung per `escalate_after` while the worker stays stalled: nudge, re-brief, restart, tell the person. */
function ladder(ctx: Context, draft: Draft, situation: StallSituation): void {
  const memory = draft.memory;
  const policy = ctx.fleet.policy;
  let next = NEXT_RUNG[memory.ladder.rung];
  if (next === undefined) return;
  if (memory.ladder.rung !== 'none' && ctx.now - memory.ladder.at < policy.escalateAfterMs) return;
  if (next === 'restart' && (memory.restarts >= policy.restart.max || memory.gaveUp)) next = 'human';
  // An agent that exited (after a done report) cannot read a nudge: only the person can follow up.
  if (draft.worker.pane?.alive === false) next = 'human';
  const since = memory.ladder.rung === 'none' ? draft.why : `${draft.why}; still stalled ${duration(ctx.now - memory.ladder.at)} after the ${memory.ladder.rung}`;
  if (next === 'human') {
    const kind = situation === 'idle' ? 'idle_unfinished' : situation;
    const message = `${since}; the ladder (nudge, re-brief, restart) did not help`;
    replaceAlert(ctx, draft, kind, message, 'escalation ladder exhausted');
    notifyOnce(ctx, draft, 'stalled', `${name(draft)} needs you: ${message}`, message);
    memory.ladder = { rung: 'human', at: ctx.now };
    return;
  }
  // Paused workers get alerts only, and messages never go to a pane that cannot take them.
  if (paused(ctx, draft) || !MESSAGEABLE.has(memory.state) || draft.worker.pane?.alive !== true) return;
  const task = currentTask(model(draft)) ?? ownTask(draft.worker.spec, ctx.now);
  if (next === 'nudge') ctx.actions.push({ kind: 'nudge', worker: name(draft), situation, reason: since });
  else if (next === 'rebrief') ctx.actions.push({ kind: 'rebrief', worker: name(draft), task, reason: since });
  else restart(ctx, draft, 'stalled', since);
  memory.ladder = { rung: next, at: ctx.now };
}

/**
 * Confused about its task: the worker's own report names a task other than the one czar gave it (a bonus task it
 * never switched to, or work it invented). One alert, and the task pasted again once, while the mismatch lasts.
 */
function checkTask(ctx: Context, draft: Draft): void {
  const report = freshReport(draft.worker);
  const task = currentTask(draft.worker);
  if (report?.task === undefined || task === undefined || report.task === task.id) {
    clearAlert(ctx, draft, 'off_task', undefined, 'reports on the task it was given');
    return;
  }
  if (findAlert(draft.memory, 'off_task', undefined) !== undefined) return;
  const reason = `reports working on "${report.task}", but its task is "${task.id}" (${task.title})`;
  raiseAlert(ctx, draft, 'off_task', reason, { reason });
  if (paused(ctx, draft) || !MESSAGEABLE.has(draft.memory.state) || draft.worker.pane?.alive !== true) return;
  ctx.actions.push({ kind: 'rebrief', worker: name(draft), task, reason });
}

/** Files outside the worker's scope: alert on each new set, and paste one realign message per new file. */
function checkScope(ctx: Context, draft: Draft): void {
  const memory = draft.memory;
  if (draft.launchedAt === undefined || memory.state === 'stopped') return;
  const scope = effectiveScope(model(draft));
  const outside = touchedFiles(draft.worker.git).filter((file) => !inScope(scope, file));
  if (outside.length === 0) {
    clearAlert(ctx, draft, 'off_scope', undefined, 'all changed files are inside the scope');
    return;
  }
  const existing = findAlert(memory, 'off_scope', undefined);
  const reason = `changes ${outside.length} file(s) outside its scope (${scope.join(', ')})`;
  if (existing === undefined || outside.some((file) => !(existing.files ?? []).includes(file))) {
    replaceAlert(ctx, draft, 'off_scope', `${reason}: ${outside.join(', ')}`, reason, { files: outside });
  }
  const unsent = outside.filter((file) => !memory.realigned.includes(file));
  if (unsent.length === 0 || paused(ctx, draft) || !MESSAGEABLE.has(memory.state) || draft.worker.pane?.alive !== true) return;
  ctx.actions.push({ kind: 'realign', worker: name(draft), files: outside, scope, reason });
  memory.realigned = [...new Set([...memory.realigned, ...outside])];
}

/** Pairs of live branches changing the same files; a dependency pair shares files by design and is skipped. */
function checkOverlap(ctx: Context, drafts: readonly Draft[]): void {
  const live = drafts.filter((draft) => draft.launchedAt !== undefined && draft.memory.state !== 'stopped');
  for (const [i, a] of live.entries()) {
    for (const b of live.slice(i + 1)) {
      if (a.worker.spec.dependsOn.includes(name(b)) || b.worker.spec.dependsOn.includes(name(a))) continue;
      const theirs = new Set(touchedFiles(b.worker.git));
      const shared = touchedFiles(a.worker.git).filter((file) => theirs.has(file));
      overlapAlert(ctx, a, name(b), shared);
      overlapAlert(ctx, b, name(a), shared);
    }
  }
}

function overlapAlert(ctx: Context, draft: Draft, peer: string, shared: readonly string[]): void {
  const existing = findAlert(draft.memory, 'overlap', peer);
  if (shared.length === 0) {
    if (existing !== undefined) clearAlert(ctx, draft, 'overlap', peer, `no longer shares files with ${peer}`);
    return;
  }
  if (existing !== undefined && shared.every((file) => (existing.files ?? []).includes(file))) return;
  const message = `changes the same ${shared.length} file(s) as ${peer}: ${shared.join(', ')}`;
  replaceAlert(ctx, draft, 'overlap', message, `both branches touch ${shared.join(', ')}`, { files: shared, peer });
}

/** When a worker's work is in, tell each running dependent once (queued ones get it with their task). */
function tellDependents(ctx: Context, draft: Draft, drafts: readonly Draft[]): void {
  if (draft.memory.completedAt === undefined) return;
  const dependents = drafts.filter(
    (other) =>
      other.worker.spec.dependsOn.includes(name(draft)) &&
      !other.memory.toldAbout.includes(name(draft)) &&
      other.memory.tasks.length > 0 &&
      MESSAGEABLE.has(other.memory.state) &&
      !paused(ctx, other),
  );
  if (dependents.length === 0) return;
  for (const other of dependents) other.memory.toldAbout = [...other.memory.toldAbout, name(draft)];
  ctx.actions.push({
    kind: 'tell_dependents',
    worker: name(draft),
    dependents: dependents.map(name),
    summary: summarise(model(draft)),
    reason: `${name(draft)} finished with ${draft.worker.git.commitsAhead} commit(s)`,
  });
}

/** What a finished worker delivered, for its dependents. */
export function summarise(worker: WorkerModel): DeliverySummary {
  const report = freshReport(worker) ?? worker.report;
  const last = worker.git.lastCommit;
  return {
    worker: worker.spec.name,
    branch: worker.spec.branch,
    commitsAhead: worker.git.commitsAhead,
    lastCommit: last === undefined ? undefined : { sha: last.sha, subject: last.subject },
    files: worker.git.filesChanged,
    note: report?.note,
    resultFile: report?.resultFile,
  };
}

/** Launches queued workers in config order while slots are free, and delivers tasks whose dependencies just finished. */
function launchQueued(ctx: Context, drafts: readonly Draft[], byName: ReadonlyMap<string, Draft>, active: number): number {
  const ready = (draft: Draft): boolean => draft.worker.spec.dependsOn.every((dep) => byName.get(dep)?.memory.completedAt !== undefined);
  const dependencies = (draft: Draft): DeliverySummary[] =>
    draft.worker.spec.dependsOn.map((dep) => summarise(model(byName.get(dep) as Draft)));
  const depsReason = (draft: Draft): string =>
    draft.worker.spec.dependsOn.length === 0 ? '' : `; dependencies done: ${draft.worker.spec.dependsOn.join(', ')}`;
  let slots = active;
  for (const draft of drafts) {
    const memory = draft.memory;
    if (paused(ctx, draft) || memory.stopped || !ready(draft)) continue;
    if (memory.state === 'queued') {
      if (slots >= ctx.fleet.policy.maxActive) continue;
      const task = ownTask(draft.worker.spec, ctx.now);
      ctx.actions.push({ kind: 'launch', worker: name(draft), task, dependencies: dependencies(draft), reason: `slot ${slots + 1} of ${ctx.fleet.policy.maxActive} free${depsReason(draft)}` });
      giveTask(ctx, draft, task);
      draft.launchedAt = ctx.now;
      memory.state = 'starting';
      memory.stateSince = ctx.now;
      slots += 1;
    } else if (memory.tasks.length === 0 && memory.state === 'starting' && draft.worker.pane?.alive === true) {
      const task = ownTask(draft.worker.spec, ctx.now);
      ctx.actions.push({ kind: 'deliver_task', worker: name(draft), task, dependencies: dependencies(draft), reason: `launched early${depsReason(draft) || '; no dependencies'}` });
      giveTask(ctx, draft, task);
    }
  }
  return slots;
}

function giveTask(ctx: Context, draft: Draft, task: GivenTask): void {
  const memory = draft.memory;
  memory.tasks = [...memory.tasks, task];
  memory.briefedAt = ctx.now;
  memory.toldAbout = [...new Set([...memory.toldAbout, ...draft.worker.spec.dependsOn])];
  memory.ladder = { rung: 'none', at: ctx.now };
}

/**
 * Hands bonus tasks to workers that finished with evidence, while slots are free. A task that builds on a worker
 * waits until that worker finished, and goes to that worker when it is free (it knows the code best).
 */
function handOutBonus(ctx: Context, drafts: readonly Draft[], active: number): readonly BonusTask[] {
  const queue = [...ctx.fleet.queue];
  if (ctx.fleet.policy.bonus !== 'auto' || ctx.fleet.paused || fleetBudgetSpent(ctx.fleet)) return queue;
  const free = drafts.filter(
    (draft) => finishedForGood(model(draft)) && !draft.memory.paused && draft.worker.pane?.alive === true,
  );
  let slots = active;
  for (const task of [...queue]) {
    if (free.length === 0 || slots >= ctx.fleet.policy.maxActive) break;
    const base = task.buildsOn === undefined ? undefined : drafts.find((draft) => name(draft) === task.buildsOn);
    if (base !== undefined && base.memory.completedAt === undefined) continue;
    const taker = free.find((draft) => draft === base) ?? free[0];
    if (taker === undefined) break;
    free.splice(free.indexOf(taker), 1);
    queue.splice(queue.indexOf(task), 1);
    const given: GivenTask = {
      id: task.id,
      title: task.title,
      text: task.task,
      scope: task.scope,
      roleText: task.roleText,
      buildsOn: task.buildsOn,
      at: ctx.now,
      commitsAtStart: taker.worker.git.commitsAhead,
    };
    const reason = `finished ${currentTask(model(taker))?.id ?? 'its task'} with ${taker.worker.git.commitsAhead} commit(s); slot free`;
    ctx.actions.push({ kind: 'bonus', worker: name(taker), task, reason });
    ctx.actions.push({ kind: 'event', worker: name(taker), event: 'state', message: `${taker.memory.state} -> working (bonus ${task.id})`, reason });
    giveTask(ctx, taker, given);
    taker.memory.state = 'working';
    taker.memory.stateSince = ctx.now;
    slots += 1;
  }
  return queue;
}

/** A worker that finished and got nothing new is worth one notification. */
function notifyDone(ctx: Context, draft: Draft): void {
  if (!finishedForGood(model(draft))) return;
  const note = draft.worker.report?.note;
  const state = draft.memory.state === 'verified' ? 'verified' : 'done';
  notifyOnce(ctx, draft, state, `${name(draft)} is ${state}${note === undefined ? '' : `: ${note}`}`, draft.why);
}

function notifyOnce(ctx: Context, draft: Draft, episode: NotifyEpisode, summary: string, reason: string): void {
  if (draft.memory.notified.includes(episode)) return;
  draft.memory.notified = [...draft.memory.notified, episode];
  ctx.actions.push({ kind: 'notify', worker: name(draft), episode, summary, reason });
}

function findAlert(memory: Memory, kind: AlertKind, peer: string | undefined): Alert | undefined {
  return memory.alerts.find((alert) => alert.kind === kind && alert.peer === peer);
}

/** Raises an alert unless one of that kind (and peer) is already up. */
function raiseAlert(ctx: Context, draft: Draft, kind: AlertKind, message: string, options: { reason: string; files?: readonly string[]; peer?: string }): void {
  if (findAlert(draft.memory, kind, options.peer) !== undefined) return;
  replaceAlert(ctx, draft, kind, message, options.reason, options);
}

/** Raises an alert, replacing one of the same kind (and peer): for news worth saying again. */
function replaceAlert(ctx: Context, draft: Draft, kind: AlertKind, message: string, reason: string, extra: { files?: readonly string[]; peer?: string } = {}): void {
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

function clearAlert(ctx: Context, draft: Draft, kind: AlertKind, peer: string | undefined, reason: string): void {
  const old = findAlert(draft.memory, kind, peer);
  if (old === undefined) return;
  draft.memory.alerts = draft.memory.alerts.filter((other) => other !== old);
  ctx.actions.push({ kind: 'clear_alert', worker: name(draft), alertKind: kind, ...(peer === undefined ? {} : { peer }), reason });
}
