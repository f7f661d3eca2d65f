import * as z from 'zod';
import { PRESET_NAMES } from '../domain/model/config-types.js';
import { checkpoints, duration, env, exactlyOneTask, globs, name } from './schema-fields.js';
import { hostSchema, notifySchema, prSchema } from './schema-external.js';
import { policySchema, priceSchema } from './schema-policy.js';
import { sandboxSchema } from './schema-sandbox.js';

/**
 * The WRITTEN form of `czar.yaml`: exactly what a person types, validated strictly (`z.strictObject`, so a typo in
 * a key is an error rather than a silently ignored setting). `normalise.ts` turns it into the resolved `Config`.
 * Messages given here are the tail of a sentence; `problems.ts` puts `file:line:col: <key path>` in front.
 */

/** A regular expression, read per line; `rules-agents.ts` checks that it compiles. */
const pattern = z.string().min(1);
const keys = z.array(z.string().min(1)).min(1);

export const agentSchema = z
  .strictObject({
    command: z.string().min(1).optional().meta({
      description: 'Program to run (a path with "/" is relative to czar.yaml); required for a new agent name.',
    }),
    args: z.array(z.string()).optional(),
    env: env.optional(),
    preset: z.enum(PRESET_NAMES).optional().meta({
      description:
        "Whose behaviour applies to a new agent name (default: shell for a shell command, else custom: an agent that gets czar's messages).",
    }),
    ready: pattern.optional().meta({ description: 'A regular expression: the input box is drawn, a paste may go in.' }),
    busy: pattern.optional().meta({ description: 'A regular expression: a turn is running.' }),
    waiting: pattern.optional().meta({ description: 'A regular expression: a question for the person is on screen.' }),
    dialogs: z
      .array(
        z.strictObject({
          match: pattern,
          keys: keys.meta({ description: 'tmux key names that answer it, e.g. [y, Enter].' }),
          why: z.string().min(1).optional().meta({ description: 'Why this answer, for the event log.' }),
        }),
      )
      .optional()
      .meta({ description: "Screens czar answers on purpose before it pastes, ahead of the preset's own." }),
    interrupt: keys.optional().meta({ description: 'tmux key names that stop a running turn, e.g. [Escape].' }),
    submit_delay: duration.optional().meta({ description: 'Quiet time between a paste and its Enter.' }),
    ready_timeout: duration.optional().meta({ description: 'How long to wait for ready after the start.' }),
    review_args: z.array(z.string()).optional().meta({
      description:
        'Makes it a reviewer: czar runs command with these args (not args) in the review checkout, the prompt on stdin, and reads the last JSON object line it prints as the verdict ([] allowed).',
    }),
  })
  .meta({ description: 'An agent command line; a built-in name overrides only the fields it sets.' });

export const checkSchema = z
  .strictObject({
    name: name('check name').meta({ description: 'Unique name; a worker check of the same name replaces this one.' }),
    run: z
      .string()
      .min(1)
      .meta({ description: 'Command line run with your shell in a checkout of the branch tip, e.g. npm test.' }),
    timeout: duration
      .optional()
      .meta({ description: 'The whole process group is killed after this long (default 10m).' }),
  })
  .meta({ description: 'A check a branch must pass before its worker counts as verified.' });

const checks = z.array(checkSchema);

export const reviewSchema = z
  .strictObject({
    agent: z.string().min(1).optional().meta({
      description: "Who reviews: an agents: entry or a preset (default: one of another make than the worker's).",
    }),
    role: name('role name')
      .optional()
      .meta({ description: 'prompts/roles/<role>.md is put before the review prompt.' }),
    max_rounds: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .meta({ description: 'Rounds of changes requested before the person is asked instead (default 3).' }),
    timeout: duration.optional().meta({ description: 'The reviewer is stopped after this long (default 10m).' }),
  })
  .meta({ description: 'An agent reviews each branch once its checks pass; verified needs its approval.' });

const review = z.union([z.literal('off'), reviewSchema]);

const taskKindField = name('task kind').optional().meta({
  description:
    "The task's kind (api, docs, tests...): outcomes are recorded and agents chosen per kind (default: the role, else the scope's top folders).",
});

const routingSchema = z
  .strictObject({
    pool: z
      .array(name('agent name'))
      .min(1)
      .optional()
      .meta({ description: 'Agents `agent: auto` chooses from (default: every agent the config names).' }),
    explore: z.number().min(0).max(1).optional().meta({
      description:
        'How much an agent with a thin record is tried again, so every agent keeps being measured (0: never, 1: UCB1; default 0.1).',
    }),
    min_outcomes: z
      .number()
      .int()
      .min(1)
      .optional()
      .meta({ description: 'Outcomes of an agent for a kind below which its record decides nothing (default 2).' }),
    reassign_after: z.number().int().min(0).optional().meta({
      description:
        'Failed verification rounds (checks or review) after which an `agent: auto` task is handed to the best other agent of the pool, as it is at the restart limit (default 2; 0: never).',
    }),
  })
  .meta({ description: "How `agent: auto` picks an agent from czar's record of outcomes." });

export const workerSchema = z
  .strictObject({
    name: name('name').meta({ description: 'Unique worker name: the tmux session and default branch czar/<name>.' }),
    task: z.string().min(1).optional().meta({ description: 'The full task text pasted into the agent.' }),
    task_file: z.string().min(1).optional().meta({ description: 'File with the task text, relative to czar.yaml.' }),
    branch: z.string().min(1).optional().meta({ description: 'Branch for this worker (default czar/<name>).' }),
    agent: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Agent preset or agents: entry (default: the top-level agent).' }),
    role: name('role name').optional().meta({ description: 'prompts/roles/<role>.md is put before the task.' }),
    kind: taskKindField,
    scope: globs.optional(),
    depends_on: z
      .array(z.string())
      .optional()
      .meta({ description: 'Workers that must be done (verified, when they have checks) before this one launches.' }),
    env: env.optional(),
    host: name('host name')
      .optional()
      .meta({ description: 'The hosts: entry this worker runs on (default: this machine).' }),
    checks: checks
      .optional()
      .meta({ description: "This worker's checks: replace the fleet's by name or add to them." }),
    review: review
      .optional()
      .meta({ description: "This worker's review: off, or fields that replace the fleet's review: ones." }),
    checkpoints: checkpoints.optional(),
    sandbox: sandboxSchema.optional().meta({ description: "This worker's box: replaces the fleet's sandbox:." }),
  })
  .refine(exactlyOneTask.check, exactlyOneTask.params)
  .meta(exactlyOneTask.jsonSchema);

export const bonusSchema = z
  .strictObject({
    name: name('bonus name').optional().meta({ description: 'Optional id (default bonus-<n>, 1-based).' }),
    task: z.string().min(1).optional(),
    task_file: z.string().min(1).optional(),
    scope: globs.optional(),
    role: name('role name').optional(),
    kind: taskKindField,
    builds_on: z.string().optional().meta({ description: 'The worker whose output this task builds on.' }),
    agent: z.literal('auto').optional().meta({
      description:
        '`auto`: the task goes to the free worker whose agent has the best record for its kind (routing:); the default when the top-level agent is auto.',
    }),
    checkpoints: checkpoints.optional(),
  })
  .refine(exactlyOneTask.check, exactlyOneTask.params)
  .meta(exactlyOneTask.jsonSchema);

export const integrationSchema = z
  .strictObject({
    branch: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'Branch czar merges finished work into (default czar/integration).' }),
    checks: checks
      .optional()
      .meta({ description: "Checks run on the integration branch after each merge (default: the fleet's checks)." }),
    advance_base: z
      .boolean()
      .optional()
      .meta({ description: 'Fast-forward base to a green integration tip (default false).' }),
  })
  .meta({ description: 'The always-green integration branch.' });

export const configSchema = z.strictObject({
  project: name('project name').meta({ description: 'Project name; the private tmux server is czar-<project>.' }),
  repo: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Git repository, relative to this file (default: this folder).' }),
  base: z.string().min(1).optional().meta({ description: "Base branch (default: the repo's current branch)." }),
  worktrees: z
    .string()
    .min(1)
    .optional()
    .meta({ description: 'Folder for worker worktrees (default <repo>/../<repo name>-workers).' }),
  task_files_outside_repo: z.boolean().optional().meta({
    description:
      'Let task_file: name a file outside the repository (default false: refused, as its text goes to the agent and its model provider).',
  }),
  agent: z.string().min(1).optional().meta({ description: 'Default agent (default claude).' }),
  agents: z
    .record(name('agent name'), agentSchema)
    .optional()
    .meta({ description: 'Agent presets to override or add.' }),
  workers: z
    .array(workerSchema)
    .meta({ description: 'One entry per worker: a tmux session on its own branch and worktree.' }),
  policy: policySchema.optional(),
  checks: checks
    .optional()
    .meta({ description: 'Checks every branch must pass when its worker reports done, before it counts as verified.' }),
  review: review
    .optional()
    .meta({ description: 'Review every branch by an agent before it counts as verified (default off).' }),
  bonus: z.array(bonusSchema).optional().meta({ description: 'Queued tasks handed to idle workers.' }),
  notify: notifySchema.optional(),
  hosts: z.array(hostSchema).optional().meta({ description: 'SSH hosts that run workers (workers[].host picks one).' }),
  integration: integrationSchema.optional(),
  sandbox: sandboxSchema.optional(),
  pr: prSchema.optional(),
  routing: routingSchema.optional(),
  prices: z.record(z.string().min(1), priceSchema).optional().meta({
    description:
      'Model prices that override or extend the shipped table (a name matches itself and its dated versions).',
  }),
});

/** `czar.yaml` as written, after schema validation. */
export type WrittenConfig = z.infer<typeof configSchema>;
export type WrittenWorker = z.infer<typeof workerSchema>;
export type WrittenBonus = z.infer<typeof bonusSchema>;
export type WrittenAgent = z.infer<typeof agentSchema>;
export type WrittenHost = z.infer<typeof hostSchema>;
export type WrittenCheck = z.infer<typeof checkSchema>;
export type WrittenReview = z.infer<typeof reviewSchema>;
