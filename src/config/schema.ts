import { z } from 'zod';
import { parseSshTarget } from '../domain/host-layout.js';
import { PRESET_NAMES } from '../domain/config-types.js';
import { DURATION_PATTERN } from './duration.js';

/**
 * The WRITTEN form of `czar.yaml`: exactly what a person types, validated strictly (`z.strictObject`, so a typo in
 * a key is an error rather than a silently ignored setting). `normalise.ts` turns it into the resolved `Config`.
 * Messages given here are the tail of a sentence; `problems.ts` puts `file:line:col: <key path>` in front.
 */

/** Worker, agent and bonus names: they become tmux session names and branch suffixes. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

const quoted = (value: unknown): string => JSON.stringify(value);

/**
 * The longest name: file names made from it (`.<name>.json.<pid>.<random>.tmp`, `<name>-<sha>.log`) and the
 * branch `czar/<name>.lock` must stay under the 255 bytes a file name may have, with room to spare.
 */
export const MAX_NAME_LENGTH = 64;

const shown = (value: unknown): string =>
  typeof value === 'string' && value.length > 40 ? quoted(`${value.slice(0, 40)}...`) : quoted(value);

const name = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN, {
      error: (issue) =>
        `${shown(issue.input)} is not a valid ${what}; use lowercase letters, digits, "-" or "_", starting with a letter or digit.`,
    })
    .max(MAX_NAME_LENGTH, {
      error: (issue) =>
        `${shown(issue.input)} is ${String((issue.input as string).length)} characters long; file, branch and tmux session names are made from it, so keep it to ${MAX_NAME_LENGTH} or fewer.`,
    });

const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(DURATION_PATTERN, {
      error: (issue) =>
        `${quoted(issue.input)} is not a duration; write e.g. 500ms, 90s, 20m, 1h30m or a number of seconds.`,
    }),
  ])
  .meta({ description: 'A duration such as 500ms, 90s, 20m, 1h or 1h30m, or a number of seconds.' });

const env = z
  .record(
    z.string().regex(ENV_NAME_PATTERN, {
      error: (issue) =>
        `${quoted(issue.input)} is not a valid environment variable name; use letters, digits and "_", not starting with a digit.`,
    }),
    z.string(),
  )
  .meta({ description: 'Extra environment variables (values are strings: quote numbers).' });

const globs = z.array(z.string().min(1)).meta({ description: 'Glob patterns of the paths this task may touch.' });

/** One task written inline (`task`) or in a file (`task_file`); exactly one of the two. */
const exactlyOneTask = {
  check: (entry: unknown): boolean => {
    if (typeof entry !== 'object' || entry === null) return true;
    const record = entry as Record<string, unknown>;
    return (record.task === undefined) !== (record.task_file === undefined);
  },
  // What editors see: the same rule in JSON Schema terms.
  jsonSchema: { oneOf: [{ required: ['task'] }, { required: ['task_file'] }] },
  // Runs even when other keys of the entry are wrong, so every problem is reported in one go.
  params: {
    when: () => true,
    error: (issue: { input: unknown }) => {
      const record = (issue.input ?? {}) as Record<string, unknown>;
      return record.task === undefined
        ? 'needs a task; add task: with the text or task_file: with a path such as tasks/gateway.md.'
        : 'has both task and task_file; keep only one of them.';
    },
  },
};

export const agentSchema = z
  .strictObject({
    command: z.string().min(1).optional().meta({
      description: 'Program to run (a path with "/" is relative to czar.yaml); required for a new agent name.',
    }),
    args: z.array(z.string()).optional(),
    env: env.optional(),
    preset: z
      .enum(PRESET_NAMES)
      .optional()
      .meta({ description: 'Whose behaviour applies to a new agent name (default shell).' }),
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
    builds_on: z.string().optional().meta({ description: 'The worker whose output this task builds on.' }),
  })
  .refine(exactlyOneTask.check, exactlyOneTask.params)
  .meta(exactlyOneTask.jsonSchema);

export const autoAnswerSchema = z.strictObject({
  match: z.string().min(1).meta({ description: 'Regular expression tested against the pane screen.' }),
  send: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .meta({ description: 'tmux key names to send, e.g. [y, Enter].' }),
});

const tokenCount = z
  .union([
    z.number().int().positive(),
    z.string().regex(/^\d+(?:\.\d+)?[kKmM]?$/, {
      error: (issue) => `${quoted(issue.input)} is not a token count; write e.g. 500k, 5M or 2000000.`,
    }),
  ])
  .meta({ description: 'A number of tokens such as 500k, 5M or 2000000 (cached tokens count too).' });

const limits = z
  .strictObject({
    usd: z.number().positive().optional().meta({ description: 'US dollars, priced with the price table.' }),
    tokens: tokenCount.optional(),
  })
  .meta({ description: 'Spending limits: an alert at 80%, at 100% the work stops until you raise it or resume.' });

export const budgetSchema = z
  .strictObject({
    worker: limits
      .optional()
      .meta({ description: 'Per worker: at 100% its turn is interrupted and it is marked over_budget.' }),
    fleet: limits.optional().meta({ description: 'For the whole fleet: at 100% bonus tasks are held.' }),
  })
  .meta({ description: "Budgets read from the agents' own usage records." });

const perMillion = z.number().nonnegative();
export const priceSchema = z
  .strictObject({
    input: perMillion,
    output: perMillion,
    cache_write: perMillion.optional(),
    cache_read: perMillion.optional(),
  })
  .meta({ description: 'US dollars per million tokens; cache prices default to 0.' });

export const policySchema = z
  .strictObject({
    launch_concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Workers launched at once (default 4).' }),
    launch_stagger: duration.optional(),
    idle_after: duration
      .optional()
      .meta({ description: 'Quiet and not working for this long means idle (default 90s).' }),
    stuck_after: duration.optional().meta({ description: 'Default 20m.' }),
    max_active: z
      .number()
      .int()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: 'Concurrency cap; the rest wait in the queue (default 6).' }),
    restart: z
      .strictObject({ max: z.number().int().min(0).max(100).optional(), backoff: duration.optional() })
      .optional(),
    bonus: z.enum(['auto', 'off']).optional().meta({ description: 'Hand bonus tasks to idle workers (default auto).' }),
    auto_answer: z
      .union([z.literal('off'), z.array(autoAnswerSchema)])
      .optional()
      .meta({ description: 'off, or prompts answered automatically.' }),
    escalate_after: duration
      .optional()
      .meta({ description: 'Time in a stalled state before each escalation rung (default 5m).' }),
    check_concurrency: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: 'Check runs at once across the fleet (default 1).' }),
    budget: budgetSchema.optional(),
  })
  .meta({ description: 'Supervision policy.' });

export const notifySchema = z
  .strictObject({ command: z.string().min(1), args: z.array(z.string()).optional() })
  .meta({ description: 'Command that receives each alert as JSON on stdin.' });

export const hostSchema = z
  .strictObject({
    name: name('host name').meta({ description: 'Name that workers[].host uses.' }),
    ssh: z
      .string()
      .refine((text) => parseSshTarget(text) !== undefined, {
        error: (issue) =>
          `${quoted(issue.input)} is not an ssh destination; write user@host, user@host:port or a Host alias from your ssh config.`,
      })
      .meta({ description: 'user@host[:port] or a Host alias from the ssh config.' }),
    worktrees: z
      .string()
      .regex(/^\//, {
        error: (issue) =>
          `${quoted(issue.input)} is not an absolute path; write the folder on the host in full, e.g. /srv/czar.`,
      })
      .meta({ description: "Absolute folder on the host for czar's clone and the workers' worktrees." }),
    max_workers: z.number().int().min(1).max(256).meta({ description: 'At most this many workers on the host.' }),
    ssh_config: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'ssh config file passed as ssh -F, relative to czar.yaml.' }),
    remote: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The git remote the host clones and pushes to (default origin).' }),
  })
  .meta({ description: 'A machine reached over SSH that runs some of the workers.' });
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

export const prSchema = z
  .strictObject({
    remote: z.string().min(1).optional().meta({ description: 'Remote branches are pushed to (default origin).' }),
    when: z
      .enum(['verified', 'integrated', 'off'])
      .optional()
      .meta({ description: 'When a pull request is opened per branch (default off).' }),
    draft: z.boolean().optional().meta({ description: 'Open pull requests as drafts (default true).' }),
  })
  .meta({ description: 'Pull requests through gh.' });

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
  bonus: z.array(bonusSchema).optional().meta({ description: 'Queued tasks handed to idle workers.' }),
  notify: notifySchema.optional(),
  hosts: z.array(hostSchema).optional().meta({ description: 'SSH hosts that run workers (workers[].host picks one).' }),
  integration: integrationSchema.optional(),
  pr: prSchema.optional(),
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
