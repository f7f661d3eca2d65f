import type { SandboxSpec } from './box.js';
import type { HostSpec } from './host-layout.js';
import type { PriceTable } from '../usage/prices.js';
import type { RoutingSettings } from '../learning/routing.js';
import type { Lesson } from '../learning/lesson.js';

/**
 * The resolved configuration: the contract between the config pipeline, the launcher, the supervisor and the
 * dashboard. The written (YAML) form lives in `config/schema.ts`; what czar observes is in `observations.ts` and `model.ts`.
 */

/** A command line for an agent: never passed through a shell. */
export interface AgentCommand {
  /** Name of the agent as written in the config (`claude`, `mybot`, ...). */
  readonly name: string;
  /** Built-in preset whose behaviour (readiness, dialogs, hooks) applies; `custom` for unknown programs, `shell` for shells. */
  readonly preset: PresetName;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** What czar.yaml says about its screens, in place of its preset's; absent when it says nothing. */
  readonly screen?: AgentScreen;
  /** Its preset's hooks report each turn as it starts (`reportsTurnStart`); absent: they do not. */
  readonly reportsTurnStart?: true;
  /** It is a plain shell (its preset's `plainTask`): whatever is pasted runs as commands, so it gets task texts only. */
  readonly plainTask?: true;
  /**
   * The arguments of its one-shot review run (`review_args:`), in place of `args`: when set, it reviews by reading
   * the prompt on stdin and printing a verdict line, whatever its preset; absent: its preset's review mode, if any.
   */
  readonly reviewArgs?: readonly string[];
}

/**
 * A person's facts about an agent's screens (`agents:` in czar.yaml), for an agent czar has no preset for or one
 * whose screens changed: regular expression sources (read per line, `m`), tmux key names and times.
 */
export interface AgentScreen {
  /** The input box is drawn: a paste may go in. */
  readonly ready?: string;
  /** A turn is running. */
  readonly busy?: string;
  /** A question for the person is on screen. */
  readonly waiting?: string;
  /** Screens to answer on purpose, before the preset's own, in order. */
  readonly dialogs?: readonly { readonly match: string; readonly keys: readonly string[]; readonly why?: string }[];
  /** Keys that stop a running turn and keep the agent. */
  readonly interrupt?: readonly string[];
  readonly submitDelayMs?: number;
  readonly readyTimeoutMs?: number;
}

export const PRESET_NAMES = [
  'claude',
  'codex',
  'gemini',
  'qwen',
  'pi',
  'opencode',
  'copilot',
  'kilo',
  'auggie',
  'aider',
  'shell',
  'custom',
  'sim',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const isPreset = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** A named command that judges a branch: run with the user's shell in a checkout czar owns. */
export interface CheckSpec {
  /** `[a-z0-9][a-z0-9_-]*`, unique in its list; a worker's check of the same name replaces the fleet's. */
  readonly name: string;
  /** A shell command line, as in package.json scripts. */
  readonly run: string;
  readonly timeoutMs: number;
}

export interface WorkerSpec {
  /** `[a-z0-9][a-z0-9_-]*`, unique; names the tmux session. */
  readonly name: string;
  /** Full task text (read from `task_file` when that was given). */
  readonly task: string;
  /** First non-empty line of the task, without Markdown heading marks, for tables. */
  readonly title: string;
  /** Where the task came from, for error messages: `czar.yaml:12` or `tasks/gateway.md`. */
  readonly taskSource: string;
  readonly branch: string;
  readonly agent: AgentCommand;
  readonly role: string | undefined;
  /** The task's kind for the record and routing (`kind:`); absent: its role, else its scope's top folders. */
  readonly kind?: string | undefined;
  /** `agent: auto`: czar picks the agent from its record (`routing:`); `agent` is the pool's first until it has. */
  readonly routed?: true | undefined;
  /** Lessons of earlier tasks its brief carries (chosen by `czar up` from the per-user record; see learning/lesson.ts). */
  readonly lessons?: readonly Lesson[] | undefined;
  /** Role text from `prompts/roles/<role>.md`, put before the task. */
  readonly roleText: string | undefined;
  /** Glob patterns of paths this task may touch; empty means anywhere. */
  readonly scope: readonly string[];
  readonly dependsOn: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Absolute path of this worker's git worktree (on its host when it has one). */
  readonly worktree: string;
  /** The `hosts:` entry this worker runs on; absent or undefined means this machine. */
  readonly host?: string | undefined;
  /** The fleet's checks with this worker's own ones replacing (by name) or added: what "done" must pass. */
  readonly checks: readonly CheckSpec[];
  /** Who reviews this worker's branch once its checks pass; undefined: no review, as before reviews existed. */
  readonly review?: ReviewSpec | undefined;
  /** The task's checkpoints: the config's `checkpoints:`, else the task text's checklist; absent or empty: none. */
  readonly checkpoints?: readonly string[] | undefined;
  /** The worker that spawned this one (`czar spawn`): its branch is cut from the parent's and goes back to it. */
  readonly parent?: string | undefined;
  /** Its box (`sandbox:`); absent: not boxed. A boxed worker's `worktree` is a repository of its own in the state dir. */
  readonly sandbox?: SandboxSpec | undefined;
}

/** A worker's reviewer: an agent run once, headless, on each done tip, in a checkout czar owns. */
export interface ReviewSpec {
  readonly agent: AgentCommand;
  /** Role text put before the review prompt (`prompts/roles/<role>.md`). */
  readonly roleText: string | undefined;
  /** Rounds of changes requested before the person is asked instead. */
  readonly maxRounds: number;
  readonly timeoutMs: number;
  /** Why this agent reviews this worker, for `doctor` and `up --dry-run`. */
  readonly why: string;
}

export interface BonusTask {
  /** Stable id used in events and the queue: the written `name` or `bonus-<n>`. */
  readonly id: string;
  readonly task: string;
  readonly title: string;
  readonly scope: readonly string[];
  readonly role: string | undefined;
  readonly roleText: string | undefined;
  /** As `WorkerSpec.kind`. */
  readonly kind?: string | undefined;
  /** Which worker's output this builds on, if any (named in the message that hands it out). */
  readonly buildsOn: string | undefined;
  /** `agent: auto`: it goes to the free worker whose agent has the best record for its kind. */
  readonly routed?: true | undefined;
  /** Lessons of earlier tasks its message carries, as a worker's brief does (`WorkerSpec.lessons`). */
  readonly lessons?: readonly Lesson[] | undefined;
  /** The task's checkpoints, as a worker's (`WorkerSpec.checkpoints`). */
  readonly checkpoints?: readonly string[] | undefined;
}

export interface AutoAnswer {
  /** Regular expression source tested against the pane's screen. */
  readonly match: string;
  /** tmux key names sent when it matches (e.g. `["y", "Enter"]`). */
  readonly send: readonly string[];
}

export interface Policy {
  readonly launchConcurrency: number;
  readonly launchStaggerMs: number;
  readonly idleAfterMs: number;
  readonly stuckAfterMs: number;
  readonly maxActive: number;
  readonly restart: { readonly max: number; readonly backoffMs: number };
  readonly bonus: 'auto' | 'off';
  readonly autoAnswer: readonly AutoAnswer[];
  /** Time in a stalled state before each rung of the ladder: nudge, re-brief, restart, alert a human. */
  readonly escalateAfterMs: number;
  /** Check runs at once across the fleet. */
  readonly checkConcurrency: number;
  /** No checkpoint for this long while working brings a nudge naming the next one (absent: `stuckAfterMs`). */
  readonly checkpointAfterMs?: number | undefined;
  readonly budget: Budget;
  readonly spawn: SpawnLimits;
}

/** Limits on sub-workers (`czar spawn`); an undefined limit is no limit. */
export interface SpawnLimits {
  readonly maxChildren: number | undefined;
  /** Levels of children under a configured worker: 1 means its children may not spawn. */
  readonly maxDepth: number | undefined;
}

/** Spending limits; an undefined limit is no limit. Tokens count cached ones too (what the provider processed). */
export interface BudgetLimits {
  readonly usd: number | undefined;
  readonly tokens: number | undefined;
}

export interface Budget {
  readonly worker: BudgetLimits;
  readonly fleet: BudgetLimits;
  /** Dollar limits the person set for single workers in the running czar (`czar budget`), over `worker.usd`. */
  readonly setUsd?: Readonly<Record<string, number>> | undefined;
}

export interface NotifyCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The integration branch: finished branches merged into it one at a time, kept green by its checks. */
export interface IntegrationSettings {
  readonly branch: string;
  readonly checks: readonly CheckSpec[];
  /** Fast-forward base to a green integration tip (compare-and-swap; never when base moved meanwhile). */
  readonly advanceBase: boolean;
}

export const PR_WHEN = ['verified', 'integrated', 'off'] as const;
export type PrWhen = (typeof PR_WHEN)[number];

export interface PrSettings {
  readonly remote: string;
  readonly when: PrWhen;
  readonly draft: boolean;
  /** How often an open pull request's comments are read (each a network call through gh). */
  readonly commentsEveryMs: number;
}

export interface Config {
  /** Absolute path of the config file. */
  readonly file: string;
  readonly project: string;
  /** Absolute path of the git repository's top level. */
  readonly repo: string;
  /** Base branch; resolved to the repo's current branch when the file does not say. */
  readonly base: string;
  /** Absolute folder that holds the worker worktrees. */
  readonly worktrees: string;
  /** Absolute state dir (`.czar/` beside the config). */
  readonly stateDir: string;
  /** Private tmux server name: `czar-<project>`. */
  readonly tmuxSocket: string;
  readonly defaultAgent: string;
  readonly agents: Readonly<Record<string, AgentCommand>>;
  readonly workers: readonly WorkerSpec[];
  readonly policy: Policy;
  /** The fleet's checks as written at the top level (each worker's resolved list is in its spec). */
  readonly checks: readonly CheckSpec[];
  readonly bonus: readonly BonusTask[];
  readonly notify: NotifyCommand | undefined;
  /** SSH hosts that run some of the workers (empty: all local). */
  readonly hosts: readonly HostSpec[];
  readonly integration: IntegrationSettings;
  readonly pr: PrSettings;
  /** The config's `prices:` (US dollars per million tokens), laid over the shipped table when pricing. */
  readonly prices: PriceTable;
  /** How `agent: auto` chooses (`routing:`); absent in configs built before routing existed. */
  readonly routing?: RoutingSettings;
}
