import type { BranchPlace } from './branch-place.js';
import { openCheckpoints, type Checkpoint } from './checkpoints.js';
import type { HostLink } from './host-status.js';
import type { IntegrationFailure } from './integration-record.js';
import type { PriceTable } from '../usage/prices.js';
import type { BonusTask, Policy, WorkerSpec } from './config-types.js';
import type { Alert, GitActivity } from '../status/status-schema.js';
import type { WorkerState } from './words.js';
import type {
  CheckRunObservation,
  ConversationsObservation,
  NetDoorObservation,
  PaneObservation,
  PredictedConflict,
  ReportObservation,
  ReviewObservation,
  IntegrationObservation,
  RequestObservation,
  PersonComment,
} from './observations.js';
import type { ReviewSpendEntry } from '../usage/review-usage.js';
import type { WorkerUsage } from '../usage/usage.js';
import type { RoutingSettings } from '../learning/routing.js';
import type { Learning } from '../learning/learning.js';
import type { OutcomeTrack } from '../learning/outcome.js';
import { taskKind } from '../learning/outcome.js';
/**
 * The model the supervisor keeps between ticks: what the shell observed (reports, panes, git) and what the czar
 * remembers (state, ladder, alerts, tasks); `decide()` reads it and returns the memory it updated. Times: epoch ms.
 */

/** A task handed to a worker: its own from the config, or a bonus task. */
export interface GivenTask {
  /** The worker's name for its own task, the bonus id otherwise. */
  readonly id: string;
  readonly title: string;
  /** Full task text, pasted whole. */
  readonly text: string;
  /** An integration fix-up's failure: its text is rendered from it, even before the executor writes the text here. */
  readonly fixes?: IntegrationFailure | undefined;
  readonly scope: readonly string[];
  readonly roleText: string | undefined;
  /** What kind of task it is, for the record (`kind:`, else the role, else the scope's top folders). */
  readonly kind?: string | undefined;
  readonly buildsOn: string | undefined;
  readonly at: number;
  /** The branch's `commitsAhead` when the task was handed out: a `done` needs commits beyond this. */
  readonly commitsAtStart: number;
  /** When the agent took the task (paste confirmed): usage recorded before belongs to the task before. */
  readonly deliveredAt?: number | undefined;
  /** The task's checkpoints, each reported one with its time and commit; undefined when it has none. */
  readonly checkpoints?: readonly Checkpoint[] | undefined;
  /** The ids of the lessons a bonus task's message carried (a worker's own task carries its brief's). */
  readonly lessons?: readonly string[] | undefined;
}

/** Escalation ladder rungs, in order; `none` means no rung was taken in this stall. */
export const LADDER_RUNGS = ['none', 'nudge', 'rebrief', 'restart', 'human'] as const;
export type LadderRung = (typeof LADDER_RUNGS)[number];

/** Everything the czar remembers about one worker; rebuilt from `status.json` when the supervisor restarts. */
export interface WorkerMemory {
  readonly state: WorkerState;
  readonly stateSince: number;
  /** Highest ladder rung taken in the current stall and when; reset by evidence of progress. */
  readonly ladder: { readonly rung: LadderRung; readonly at: number };
  /** Restarts so far (crash restarts and ladder restarts share the `restart.max` budget). */
  readonly restarts: number;
  readonly lastRestartAt: number | undefined;
  /** Restarts are used up and the person was told; no more restarts for this worker. */
  readonly gaveUp: boolean;
  readonly alerts: readonly Alert[];
  /** Tasks handed out, own task first; the last one is the current task. */
  readonly tasks: readonly GivenTask[];
  /** Last time the current task was pasted (launch, delivery, bonus, restart): older reports are stale. */
  readonly briefedAt: number | undefined;
  /** First time the worker finished a task with evidence: its dependents may start. */
  readonly completedAt: number | undefined;
  /** Dependencies this worker was already told about (by name). */
  readonly toldAbout: readonly string[];
  /** Off-scope files a realign message was already sent for. */
  readonly realigned: readonly string[];
  /** The waiting screen an auto-answer was sent for and when, so one prompt is answered once. */
  readonly answered: { readonly screen: string; readonly at: number } | undefined;
  /** Notification episodes already sent (`waiting`, `done`, `blocked`, `stalled`, `crashed`). */
  readonly notified: readonly string[];
  readonly paused: boolean;
  /** "continue" messages sent after passing API failures, and when the last went; reset by new progress. */
  readonly apiRetries: { readonly count: number; readonly at: number };
  /** The person stopped this worker (`czar stop`): no actions, not counted as active. */
  readonly stopped: boolean;
  /** The branch tip the czar asked the check source to judge (optional: memory saved before checks existed). */
  readonly checksAsked?: string | undefined;
  /** `<sha>@<report time>` of the done claim a fix-up was sent for: one fix-up per claim. */
  readonly fixedUp?: string | undefined;
  /** Counterparts (worker names, or the base branch) this worker was told it conflicts with, while it lasts. */
  readonly conflictsTold?: readonly string[] | undefined;
  /** Its budget ran out (and when, and why): it is sent nothing until the budget is raised or the person resumes it. */
  readonly overBudget?: { readonly at: number; readonly reason: string } | undefined;
  /** Budget warnings (80%) already given, by limit (`usd`, `tokens`), since the last resume. */
  readonly budgetWarned?: readonly string[] | undefined;
  /** The branch tip it was told its branch had moved to from outside: told once per move. */
  readonly movedTold?: string | undefined;
  /** What it had spent when the person last resumed it over budget: its budget counts from there. */
  readonly budgetOffset?: { readonly usd: number; readonly tokens: number } | undefined;
  /**
   * The worker's done report while it is finished: a turn after it is started by czar's own message (a conflict
   * warning, a realign), so the agent's hook reports of that turn do not undo it. A message from the person, the
   * worker's own report or a new task ends it.
   */
  readonly heldDone?: ReportObservation | undefined;
  /** The branch tip the czar asked the review source to review. */
  readonly reviewAsked?: string | undefined;
  /** Tips sent back with the reviewer's findings during the task numbered `task` (1-based): the rounds so far. */
  readonly reviewRounds?: { readonly task: number; readonly shas: readonly string[] } | undefined;
  /** A person's review comments not delivered yet: they wait until the worker is between turns. */
  readonly comments?: readonly PersonComment[] | undefined;
  /** The branch tip ('' before any commit) the person's comments were delivered on: verified needs a newer one. */
  readonly commentedTip?: string | undefined;
  /** The agent's own conversation czar last resumed: a later restart prefers it when no hook has named one since. */
  readonly resumedConversation?: string | undefined;
  /** What the current task went through, for the record, and the outcome recorded when it ended. */
  readonly outcome?: OutcomeTrack | undefined;
  /** Failed verification rounds (check or review fix-ups) of an `agent: auto` task on its current agent. */
  readonly failedRounds?: { readonly task: number; readonly count: number } | undefined;
  /** The hand-overs of this worker's tasks to another agent of the pool, oldest first (see policy/hand-over.ts). */
  readonly handedOver?: readonly HandOver[] | undefined;
}

/** One hand-over: the task (its number among the worker's, 1-based) moved from one agent to another, and why. */
export interface HandOver {
  readonly task: number;
  readonly from: string;
  readonly to: string;
  readonly at: number;
  readonly reason: string;
}

/** One worker: its spec, the latest observations and the czar's memory. */
export interface WorkerModel {
  readonly spec: WorkerSpec;
  /** Latest valid report; reports older than the current task are ignored by `classify`. */
  readonly report: ReportObservation | undefined;
  /** Undefined before the first look at a launched worker's pane. */
  readonly pane: PaneObservation | undefined;
  readonly git: GitActivity;
  /** When the czar decided to launch it (set by `decide`; the shell may keep the real time). */
  readonly launchedAt: number | undefined;
  /** When the shell confirmed the first task paste took (a turn started). */
  readonly deliveredAt: number | undefined;
  /** The check source's latest word on this branch; undefined before the first run. */
  readonly checkRun?: CheckRunObservation | undefined;
  /** The review source's latest word on this branch; undefined before the first review. */
  readonly reviewRun?: ReviewObservation | undefined;
  readonly memory: WorkerMemory;
  /** Usage from the agent's own records; undefined when it keeps none czar can read (unknown, never zero). */
  readonly usage?: WorkerUsage | undefined;
  /** What the reviews of its branch spent, per task: counted in its spend beside `usage`. */
  readonly reviewUsage?: readonly ReviewSpendEntry[] | undefined;
  /** Its branch and worktree as git has them now (local workers); undefined before the first look. */
  readonly place?: BranchPlace | undefined;
  /** A spawned child's tip is in its parent's branch (observed; undefined for a worker with no parent). */
  readonly inParent?: boolean | undefined;
  /** Why the latest report or result file it wrote was refused (observed); undefined once one is taken whole. */
  readonly refused?: { readonly what: 'report' | 'result file'; readonly reason: string } | undefined;
  /** What its box's network door refused it (host:port, oldest first, each once, bounded): observed from the door. */
  readonly boxConnections?: readonly string[] | undefined;
  /** Why the last action carried out for it failed (observed): a task or message that did not reach its agent. */
  readonly undelivered?: string | undefined;
  /** The conversations its agent's records hold, for a restart that may resume one (observed). */
  readonly conversations?: ConversationsObservation | undefined;
  /** An action for it is queued or being carried out (a paste on its way): its effect is not in yet (observed). */
  readonly sending?: boolean | undefined;
  /** When the last action carried out for it ended (observed): the agent answers a message from then on. */
  readonly sentAt?: number | undefined;
}

export interface FleetModel {
  /** In config order: queued workers launch in this order. */
  readonly workers: readonly WorkerModel[];
  /** Bonus tasks not yet handed out, in order. */
  readonly queue: readonly BonusTask[];
  readonly paused: boolean;
  readonly policy: Policy;
  readonly base: string;
  /** The conflict source's latest predictions (undefined before its first look). */
  readonly conflicts?: readonly PredictedConflict[] | undefined;
  /**
   * `conflicts` holds what a prediction still running has found so far: alerts show it at once, and the workers are
   * told when it is done, in one message each rather than one per pair found.
   */
  readonly conflictsPartial?: boolean | undefined;
  /** Prices for usage (the shipped table with the config's `prices:` over it); absent means the shipped table. */
  readonly prices?: PriceTable | undefined;
  /** Branch tips the integration branch holds (undefined before the integration source's first look). */
  readonly mergedTips?: readonly string[] | undefined;
  /** Fleet budget warnings already given (`usd`, `tokens`, `held`). */
  readonly budgetWarned?: readonly string[] | undefined;
  /** The base branch's tip at the last git look (observed); undefined before it, and while base is gone. */
  readonly baseTip?: string | undefined;
  /** The base branch is gone (observed); while it is, branches cannot be counted and the ladder holds. */
  readonly baseMissing?: boolean | undefined;
  /** The czar said base is gone (and has not yet said it is back). */
  readonly baseMissingTold?: boolean | undefined;
  /** The czar ended the sprint (announced it, wrote the handoff) and has seen no new work since. */
  readonly sprintEndTold?: boolean | undefined;
  /** Why the czar's last write to its state dir failed for want of space (observed), until a write succeeds again. */
  readonly stateDirFull?: string | undefined;
  /** The czar said the state dir is full (and has not yet said it is writable again). */
  readonly stateDirFullTold?: boolean | undefined;
  /** The integration branch's record and run (undefined before the integration source's first look). */
  readonly integration?: IntegrationObservation | undefined;
  /**
   * Each network door of boxed workers as its source last saw it, by where it runs (`placeWhere`: '' for this machine,
   * ` on host "name"`); undefined while no worker is boxed.
   */
  readonly netDoors?: ReadonlyMap<string, NetDoorObservation> | undefined;
  /** When the czar asked each door seen down to start again, until the door is seen up. */
  readonly netDoorsRestarted?: ReadonlyMap<string, number> | undefined;
  /** Each ssh host's link as the host source last saw it (undefined when every worker is local). */
  readonly hostLinks?: ReadonlyMap<string, HostLink> | undefined;
  /** A person's requests read since the last pass, oldest first: `decide()` answers each once and empties this. */
  readonly requests?: readonly RequestObservation[] | undefined;
  /** The repository's identity and what the record holds (undefined when the record is off). */
  readonly learning?: Learning | undefined;
  /** How `agent: auto` workers are routed and handed over (absent in configs built before routing existed). */
  readonly routing?: RoutingSettings | undefined;
}

/** What a finished worker delivered, told to its dependents. */
export interface DeliverySummary {
  readonly worker: string;
  readonly branch: string;
  readonly commitsAhead: number;
  readonly lastCommit: { readonly sha: string; readonly subject: string } | undefined;
  readonly files: readonly string[];
  readonly note: string | undefined;
  readonly resultFile: string | undefined;
}

export const EMPTY_GIT: GitActivity = { commitsAhead: 0, filesChanged: [], lastCommit: undefined, dirty: [] };

/** Memory of a worker the czar has not touched yet. */
export function initialMemory(now: number): WorkerMemory {
  return {
    state: 'queued',
    stateSince: now,
    ladder: { rung: 'none', at: now },
    restarts: 0,
    lastRestartAt: undefined,
    gaveUp: false,
    alerts: [],
    tasks: [],
    briefedAt: undefined,
    completedAt: undefined,
    toldAbout: [],
    realigned: [],
    answered: undefined,
    notified: [],
    paused: false,
    apiRetries: { count: 0, at: now },
    stopped: false,
  };
}

/** A fresh model for a configured worker: nothing observed, nothing remembered. */
export function initialWorker(spec: WorkerSpec, now: number): WorkerModel {
  return {
    spec,
    report: undefined,
    pane: undefined,
    git: EMPTY_GIT,
    launchedAt: undefined,
    deliveredAt: undefined,
    memory: initialMemory(now),
  };
}

/** The worker's own task as a given task. */
export function ownTask(spec: WorkerSpec, now: number): GivenTask {
  return {
    id: spec.name,
    title: spec.title,
    text: spec.task,
    scope: spec.scope,
    roleText: spec.roleText,
    kind: taskKind(spec.kind, spec.role, spec.scope),
    buildsOn: undefined,
    at: now,
    commitsAtStart: 0,
    checkpoints: openCheckpoints(spec.checkpoints),
  };
}

/** The task the worker is on now, if it was given one. */
export function currentTask(worker: WorkerModel): GivenTask | undefined {
  return worker.memory.tasks.at(-1);
}

/**
 * When the current task (or its latest paste) reached the agent: reports and quiet from before are about earlier
 * work. A task is timed from its delivery, since the turn before it may end between the decision and the paste.
 */
export function briefedSince(worker: WorkerModel): number {
  return Math.max(worker.memory.briefedAt ?? 0, currentTask(worker)?.deliveredAt ?? 0);
}

/** A later task (bonus, fix-up) was given and its paste is not confirmed yet, nor did it fail. */
export function deliveryPending(worker: WorkerModel): boolean {
  const { tasks, alerts } = worker.memory;
  const failed = alerts.some((alert) => alert.kind === 'delivery_failed');
  return tasks.length > 1 && tasks.at(-1)?.deliveredAt === undefined && !failed;
}

/** The branch tip is in the integration branch. */
export function isIntegrated(worker: WorkerModel, fleet: FleetModel): boolean {
  const tip = worker.git.lastCommit?.sha;
  return tip !== undefined && worker.git.commitsAhead > 0 && (fleet.mergedTips ?? []).includes(tip);
}

/** Commits beyond those the branch had when the current task was handed out: a done claim needs some. */
export function hasEvidence(worker: WorkerModel): boolean {
  return worker.git.commitsAhead > (currentTask(worker)?.commitsAtStart ?? 0);
}

/** Everything the worker may touch: the union of its tasks' scopes; any unscoped task opens the whole repo. */
export function effectiveScope(worker: WorkerModel): readonly string[] {
  const tasks = worker.memory.tasks.length > 0 ? worker.memory.tasks : [ownTask(worker.spec, 0)];
  if (tasks.some((task) => task.scope.length === 0)) return [];
  return [...new Set(tasks.flatMap((task) => task.scope))];
}

/** Parses an ISO time into epoch ms, or undefined when absent or garbled. */
export function epoch(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
