import * as z from 'zod';
import { CheckRunStatusSchema } from './check-run-status.js';
import { CheckpointsStatusSchema } from './checkpoint-status.js';
import { ReviewStatusSchema } from './status-review-schema.js';
import { HandoffChildSchema, TaskChildrenSchema } from './status-family-schema.js';
import { HostStatusSchema } from './status-host-schema.js';
import { AgentsStatusSchema } from './status-agents-schema.js';
import {
  ReviewUsagePartSchema,
  TaskUsageSchema,
  TOKENS,
  UNPRICED,
  WaitingCommentSchema,
} from './status-usage-schema.js';
import { ALERT_KINDS, WORKER_STATES } from '../model/words.js';

/**
 * The status file is an interface other programs read: this zod schema describes it, generates
 * `status/status.schema.json`, and is the one definition of the types the code uses for it (at the end).
 */
const isoTime = z.string().describe('ISO 8601 time');

export const AlertSchema = z.strictObject({
  kind: z.enum(ALERT_KINDS),
  message: z.string(),
  since: isoTime,
  /** Files involved (off-scope paths, overlapping paths). */
  files: z.array(z.string()).optional(),
  /** Other worker involved (overlap, conflict). */
  peer: z.string().optional(),
});

export const GitActivitySchema = z.strictObject({
  commitsAhead: z.number().int().describe('commits on the branch and not on base (base..branch)'),
  filesChanged: z
    .array(z.string())
    .describe(
      'files the branch changed since it forked from base (base...branch); once it merged another branch in (a fix-up), only those its own commits touched',
    ),
  lastCommit: z.strictObject({ sha: z.string(), subject: z.string(), at: isoTime }).optional(),
  dirty: z.array(z.string()).describe('uncommitted paths in the worktree'),
});

const tokens = TOKENS;
const unpriced = UNPRICED;

export const WorkerUsageSchema = z
  .strictObject({
    tokens: tokens.describe('every token the provider processed, cached ones included'),
    input: tokens.describe('prompt tokens not read from or written to a cache'),
    output: tokens,
    cacheWrite: tokens,
    cacheRead: tokens,
    usd: z.number().nonnegative().describe('US dollars for the priced models'),
    unpricedModels: unpriced,
    models: z.array(z.string()),
    tasks: z.array(TaskUsageSchema).describe('usage per task, by when each record line was written or review ended'),
    review: ReviewUsagePartSchema.optional(),
    files: z.number().int().describe('record files read (transcripts, subagent transcripts, rollouts)'),
    skippedLines: z.number().int().describe('malformed or oversized record lines skipped'),
    lastAt: isoTime.optional(),
  })
  .describe(
    "from the agent's own records and the reviews of its branch; absent when its agent keeps none and no review spent anything (tokens unknown, never zero)",
  );

const ms = z.number().nonnegative();

export const TaskMetricsSchema = z.strictObject({
  task: z.string(),
  worker: z.string(),
  startedAt: isoTime.describe("the task's first delivery to its worker"),
  toDoneMs: ms.optional().describe('milliseconds from delivery to the first done (or verified); absent while not done'),
  toVerifiedMs: ms
    .optional()
    .describe('milliseconds from delivery to the first verified (every check passed); absent without checks'),
  nudges: z.number().int(),
  restarts: z.number().int(),
  personActions: z.number().int().describe("the person's requests and the actions they asked for while the task ran"),
  tokens: tokens.optional().describe("absent when the worker's agent keeps no records (unknown, never zero)"),
  usd: z.number().nonnegative().optional(),
  reviewUsd: z.number().nonnegative().optional().describe("of `usd`, its reviews'"),
  unpricedModels: unpriced,
  children: TaskChildrenSchema.optional(),
});

export const SprintMetricsSchema = z
  .strictObject({
    hours: z.number().nonnegative().describe('hours since the sprint started (at least one minute)'),
    tasksDone: z.number().int(),
    tasksPerHour: z.number().nonnegative(),
    usd: z.number().nonnegative().optional(),
    usdPerDoneTask: z.number().nonnegative().optional(),
    usdPerHour: z.number().nonnegative().optional().describe('burn rate: dollars per hour since the sprint started'),
    tokens: tokens.optional(),
    czarActions: z
      .number()
      .int()
      .describe('actions the czar took by itself (launches, deliveries, nudges, restarts, merges...)'),
    personActions: z
      .number()
      .int()
      .describe("the person's requests (send, pause, resume) and the actions they asked for"),
    autonomy: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('czarActions / (czarActions + personActions); absent before any action'),
    tasks: z.array(TaskMetricsSchema).describe('every task delivered, bonus tasks included, in delivery order'),
  })
  .describe(
    'what `czar stats --json` prints; in status.json the rates are as of the heartbeat, so a quiet fleet does not rewrite the file every second',
  );

const limits = z.strictObject({ usd: z.number().optional(), tokens: z.number().optional() });

export const FleetUsageSchema = z.strictObject({
  tokens,
  usd: z.number().nonnegative(),
  unpricedModels: unpriced,
  usdPerHour: z
    .number()
    .nonnegative()
    .describe('burn rate: dollars per hour since the sprint started, as of the last heartbeat'),
  unknownWorkers: z.array(z.string()).describe('launched workers whose agents keep no records czar can read'),
  budget: z.strictObject({ worker: limits, fleet: limits }),
});

export const WorkerStatusSchema = z.strictObject({
  name: z.string(),
  state: z.enum(WORKER_STATES),
  since: isoTime,
  branch: z.string(),
  title: z.string(),
  agent: z.string(),
  /** Percent done: the checkpoints done when its task has them, else from the worker's last report. */
  progress: z.number().min(0).max(100).optional(),
  note: z.string().optional(),
  checkpoints: CheckpointsStatusSchema.optional(),
  checks: CheckRunStatusSchema.optional(),
  git: GitActivitySchema,
  /** Last non-empty line of the pane, ANSI stripped. */
  lastOutput: z.string().optional(),
  lastOutputAt: isoTime.optional(),
  restarts: z.number().int(),
  alerts: z.array(AlertSchema),
  paused: z.boolean(),
  paneId: z.string().optional(),
  /** Ids of the tasks this worker was given (its own first, then bonus tasks). */
  tasks: z.array(z.string()),
  resultFile: z.string().optional(),
  usage: WorkerUsageSchema.optional(),
  review: ReviewStatusSchema.optional(),
  comments: z.array(WaitingCommentSchema).optional().describe('comments not delivered yet; absent when none wait'),
  place: z.enum(['worktree', 'box', 'host']).optional().describe('where it runs: here, in a box here, on a host'),
  host: z.string().optional().describe('the ssh host (a hosts: name) the worker runs on; absent for the local machine'),
  parent: z.string().optional().describe('the worker that spawned this one ("czar spawn"); its work goes there'),
  handedOver: z
    .array(z.strictObject({ task: z.string(), from: z.string(), to: z.string(), at: isoTime, reason: z.string() }))
    .optional()
    .describe(
      'its tasks handed to another agent of the pool (routing.reassign_after, the restart limit), oldest first',
    ),
  children: z
    .array(z.strictObject({ name: z.string(), owed: z.boolean() }))
    .optional()
    .describe('the workers this one spawned; owed: neither merged into its branch nor cancelled yet'),
});

export const IntegrationStatusSchema = z.strictObject({
  branch: z.string(),
  tip: z.string().optional(),
  holds: z.array(z.string()).describe('workers whose branch is in the integration branch'),
  leftOut: z.array(z.strictObject({ worker: z.string(), reason: z.string() })),
  conflicts: z.array(z.strictObject({ worker: z.string(), files: z.array(z.string()) })),
  /** Pull requests czar opened, per branch, with their last known state (OPEN, CLOSED, MERGED). */
  pullRequests: z.array(z.strictObject({ branch: z.string(), url: z.string(), state: z.string() })),
});

const PullRequestSchema = z.strictObject({ url: z.string(), state: z.string() });

const FileStatSchema = z.strictObject({
  file: z.string(),
  insertions: z.number().int(),
  deletions: z.number().int(),
  binary: z.boolean(),
});

const WorkerHandoffSchema = z.strictObject({
  name: z.string(),
  task: z.string(),
  state: z.enum(WORKER_STATES),
  /** Proven finished: for now done with commits beyond its task's start (switches to `verified`). */
  verified: z.boolean(),
  branch: z.string(),
  commits: z.array(z.strictObject({ sha: z.string(), subject: z.string() })),
  files: z.array(FileStatSchema),
  /** One line per check outcome known for this branch (the integration checks today). */
  checks: z.array(z.string()),
  resultFile: z.string().optional(),
  alerts: z.array(AlertSchema),
  restarts: z.number().int(),
  checkpoints: CheckpointsStatusSchema.optional().describe(
    "its current task's checkpoints, each done one with its commit",
  ),
  integrated: z.boolean(),
  pr: PullRequestSchema.optional(),
  children: z.array(HandoffChildSchema).optional().describe('the workers it spawned; absent when none'),
});

export const HandoffSchema = z
  .strictObject({
    project: z.string(),
    base: z.string(),
    startedAt: isoTime,
    writtenAt: isoTime,
    sprintOver: z.boolean(),
    workers: z.array(WorkerHandoffSchema),
    integration: z.strictObject({
      branch: z.string(),
      tip: z.string().optional(),
      holds: z.array(z.string()),
      leftOut: z.array(z.strictObject({ worker: z.string(), reason: z.string() })),
      conflicts: z.array(z.strictObject({ worker: z.string(), files: z.array(z.string()) })),
      baseConflict: z.array(z.string()).optional(),
      baseAdvanced: z.boolean(),
      pr: PullRequestSchema.optional(),
    }),
    /** Per task and per sprint, as `czar stats` computes them (the autonomy figure included). */
    metrics: SprintMetricsSchema,
    agents: AgentsStatusSchema.optional(),
  })
  .describe('the facts of .czar/HANDOFF.md, written when the sprint is over');

export const FleetStatusSchema = z.strictObject({
  project: z.string(),
  base: z.string(),
  startedAt: isoTime,
  updatedAt: isoTime,
  paused: z.boolean(),
  /** Present while the supervisor process is alive. */
  supervisor: z.strictObject({ pid: z.number().int(), heartbeatAt: isoTime }).optional(),
  workers: z.array(WorkerStatusSchema),
  /** Bonus tasks not yet handed out, in order. */
  queue: z.array(z.strictObject({ id: z.string(), title: z.string() })),
  sprintOver: z.boolean(),
  baseMissing: z
    .literal(true)
    .optional()
    .describe('the base branch is gone from the repository (renamed or deleted while the czar runs)'),
  /** Present once the czar has an integration record. */
  integration: IntegrationStatusSchema.optional(),
  /** The facts of HANDOFF.md, once the sprint was over. */
  handoff: HandoffSchema.optional(),
  usage: FleetUsageSchema.optional(),
  hosts: z
    .array(HostStatusSchema)
    .optional()
    .describe('the ssh hosts that run workers; absent when every worker is local'),
  metrics: SprintMetricsSchema.optional(),
  agents: AgentsStatusSchema.optional(),
});

/** The schema's type as the code holds it: nothing in a status is changed in place. */
type Frozen<T> = T extends readonly (infer U)[]
  ? readonly Frozen<U>[]
  : T extends object
    ? { readonly [K in keyof T]: Frozen<T[K]> }
    : T;

export type Alert = Frozen<z.infer<typeof AlertSchema>>;
export type GitActivity = Frozen<z.infer<typeof GitActivitySchema>>;
/** A worker's usage in status.json. Token counts include cached ones; `usd` covers only priced models. */
export type WorkerUsageStatus = Frozen<z.infer<typeof WorkerUsageSchema>>;
export type TaskMetrics = Frozen<z.infer<typeof TaskMetricsSchema>>;
export type SprintMetrics = Frozen<z.infer<typeof SprintMetricsSchema>>;
/** The limits in force (`policy.budget`); a limit not set is left out. */
export type StatusLimits = Frozen<z.infer<typeof limits>>;
export type FleetUsageStatus = Frozen<z.infer<typeof FleetUsageSchema>>;
export type WorkerStatus = Frozen<z.infer<typeof WorkerStatusSchema>>;
export type ReviewStatus = Frozen<z.infer<typeof ReviewStatusSchema>>;
/** One ssh host of the fleet in status.json. */
export type HostStatus = Frozen<z.infer<typeof HostStatusSchema>>;
/** The integration branch as status.json shows it. */
export type IntegrationStatus = Frozen<z.infer<typeof IntegrationStatusSchema>>;
export type PullRequestFacts = Frozen<z.infer<typeof PullRequestSchema>>;
/** One file of a branch's diff: lines added and removed (0 and 0 for a binary file). */
export type FileStat = Frozen<z.infer<typeof FileStatSchema>>;
export type WorkerHandoff = Frozen<z.infer<typeof WorkerHandoffSchema>>;
export type HandoffFacts = Frozen<z.infer<typeof HandoffSchema>>;
export type FleetStatus = Frozen<z.infer<typeof FleetStatusSchema>>;

export function statusJsonSchema(): object {
  return {
    ...z.toJSONSchema(FleetStatusSchema, { unrepresentable: 'any' }),
    title: 'czar fleet status (.czar/status.json)',
  };
}
