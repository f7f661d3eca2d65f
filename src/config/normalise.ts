import path from 'node:path';
import { PRESET_DEFAULTS } from '../agents/defaults.js';
import { CzarError } from '../domain/errors.js';
import { hostWorktreePath, parseSshTarget, type HostSpec } from '../domain/host-layout.js';
import type { PriceTable } from '../domain/prices.js';
import {
  PRESET_NAMES,
  type AgentCommand,
  type BonusTask,
  type BudgetLimits,
  type CheckSpec,
  type Config,
  type Policy,
  type PresetName,
  type WorkerSpec,
} from '../domain/config-types.js';
import { parseDuration } from './duration.js';
import type { ConfigPath } from './source-map.js';
import type { WrittenAgent, WrittenBonus, WrittenCheck, WrittenConfig, WrittenHost, WrittenWorker } from './schema.js';

/** Policy values used when `policy:` leaves them out. */
export const POLICY_DEFAULTS: Policy = {
  launchConcurrency: 4,
  launchStaggerMs: 0,
  idleAfterMs: 90_000,
  stuckAfterMs: 20 * 60_000,
  maxActive: 6,
  restart: { max: 3, backoffMs: 30_000 },
  bonus: 'auto',
  autoAnswer: [],
  escalateAfterMs: 5 * 60_000,
  checkConcurrency: 1,
  budget: { worker: { usd: undefined, tokens: undefined }, fleet: { usd: undefined, tokens: undefined } },
};

/** A check's timeout when it gives none. */
export const CHECK_TIMEOUT_DEFAULT_MS = 10 * 60_000;

export const DEFAULT_AGENT = 'claude';
/** The git remote a host clones when its entry names none. */
export const DEFAULT_REMOTE = 'origin';

export const DEFAULT_INTEGRATION_BRANCH = 'czar/integration';

/**
 * What `normalise` needs from outside the written config, gathered by `load.ts` so normalising stays pure.
 */
export interface NormaliseFacts {
  /** Absolute path of the config file. */
  readonly file: string;
  /** Absolute git top level of the repository the config names. */
  readonly repoTop: string;
  /** The repository's current branch; undefined on a detached HEAD. */
  readonly currentBranch: string | undefined;
  /** Text of each `task_file`, keyed by the path exactly as written. */
  readonly taskFiles: ReadonlyMap<string, string>;
  /** Text of each role used, keyed by role name. */
  readonly roles: ReadonlyMap<string, string>;
  /** 1-based line where a key path is written (for `taskSource` of inline tasks). */
  readonly lineOf: (path: ConfigPath) => number;
}

/** The branch a worker works on: the written one or `czar/<name>`. */
export function workerBranch(worker: Pick<WrittenWorker, 'name' | 'branch'>): string {
  return worker.branch ?? `czar/${worker.name}`;
}

/** First non-empty line without Markdown heading marks, at most 80 characters: how a task shows up in tables. */
export function taskTitle(task: string): string {
  const line =
    task
      .split('\n')
      .map((text) => text.replace(/^[\s#]+/, '').trim())
      .find((text) => text !== '') ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

const isPreset = (name: string): name is PresetName => (PRESET_NAMES as readonly string[]).includes(name);

/** A command with a slash is a path and means the same from every worktree: resolve it against the config's folder. */
function resolveCommand(command: string, configDir: string): string {
  return command.includes('/') && !path.isAbsolute(command) ? path.resolve(configDir, command) : command;
}

/** Built-in presets, each overridden field by field by an `agents:` entry of the same name, plus new agents. */
export function resolveAgents(
  written: Readonly<Record<string, WrittenAgent>> | undefined,
  configDir: string,
): Record<string, AgentCommand> {
  const agents: Record<string, AgentCommand> = {};
  for (const preset of PRESET_NAMES) agents[preset] = { name: preset, preset, ...PRESET_DEFAULTS[preset] };
  for (const [name, entry] of Object.entries(written ?? {})) {
    const preset = isPreset(name) ? name : (entry.preset ?? 'shell');
    const base = isPreset(name) ? PRESET_DEFAULTS[name] : { command: '', args: [], env: {} };
    const command = entry.command === undefined ? base.command : resolveCommand(entry.command, configDir);
    if (command === '')
      throw new CzarError('config_invalid', `agents.${name} has no command; add e.g. command: ./bin/${name}.`);
    agents[name] = { name, preset, command, args: entry.args ?? base.args, env: entry.env ?? base.env };
  }
  return agents;
}

/** Hosts with the ssh target split, `ssh_config` made absolute and the remote defaulted. */
export function resolveHosts(written: readonly WrittenHost[] | undefined, configDir: string): HostSpec[] {
  return (written ?? []).map((host) => {
    const target = parseSshTarget(host.ssh);
    if (target === undefined)
      throw new CzarError(
        'config_invalid',
        `hosts entry "${host.name}" has ssh "${host.ssh}", which passed the schema but cannot be read; this is a bug in czar.`,
      );
    return {
      name: host.name,
      ...target,
      worktrees: host.worktrees,
      maxWorkers: host.max_workers,
      sshConfig: host.ssh_config === undefined ? undefined : path.resolve(configDir, host.ssh_config),
      remote: host.remote ?? DEFAULT_REMOTE,
    };
  });
}

function ms(value: string | number | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) ?? fallback);
}

export function resolvePolicy(written: WrittenConfig['policy']): Policy {
  const policy = written ?? {};
  const answers = policy.auto_answer === undefined || policy.auto_answer === 'off' ? [] : policy.auto_answer;
  return {
    launchConcurrency: policy.launch_concurrency ?? POLICY_DEFAULTS.launchConcurrency,
    launchStaggerMs: ms(policy.launch_stagger, POLICY_DEFAULTS.launchStaggerMs),
    idleAfterMs: ms(policy.idle_after, POLICY_DEFAULTS.idleAfterMs),
    stuckAfterMs: ms(policy.stuck_after, POLICY_DEFAULTS.stuckAfterMs),
    maxActive: policy.max_active ?? POLICY_DEFAULTS.maxActive,
    restart: {
      max: policy.restart?.max ?? POLICY_DEFAULTS.restart.max,
      backoffMs: ms(policy.restart?.backoff, POLICY_DEFAULTS.restart.backoffMs),
    },
    bonus: policy.bonus ?? POLICY_DEFAULTS.bonus,
    autoAnswer: answers.map((answer) => ({
      match: answer.match,
      send: typeof answer.send === 'string' ? [answer.send] : answer.send,
    })),
    escalateAfterMs: ms(policy.escalate_after, POLICY_DEFAULTS.escalateAfterMs),
    checkConcurrency: policy.check_concurrency ?? POLICY_DEFAULTS.checkConcurrency,
    budget: { worker: resolveLimits(policy.budget?.worker), fleet: resolveLimits(policy.budget?.fleet) },
  };
}

function resolveCheck(check: WrittenCheck): CheckSpec {
  return { name: check.name, run: check.run, timeoutMs: ms(check.timeout, CHECK_TIMEOUT_DEFAULT_MS) };
}

/** The fleet's checks in order, each replaced in place by the worker's check of the same name; the worker's new ones after. */
export function resolveChecks(
  fleet: readonly WrittenCheck[] | undefined,
  own: readonly WrittenCheck[] | undefined,
): CheckSpec[] {
  const mine = new Map((own ?? []).map((check) => [check.name, check]));
  const inherited = (fleet ?? []).map((check) => mine.get(check.name) ?? check);
  const added = (own ?? []).filter((check) => !(fleet ?? []).some((shared) => shared.name === check.name));
  return [...inherited, ...added].map(resolveCheck);
}

function resolveLimits(
  written: { usd?: number | undefined; tokens?: number | string | undefined } | undefined,
): BudgetLimits {
  return { usd: written?.usd, tokens: written?.tokens === undefined ? undefined : tokenCount(written.tokens) };
}

/** `5M` is 5,000,000 tokens and `500k` 500,000; the schema already checked the form. */
export function tokenCount(written: number | string): number {
  if (typeof written === 'number') return written;
  const unit = written.at(-1)?.toLowerCase();
  const scale = unit === 'k' ? 1_000 : unit === 'm' ? 1_000_000 : 1;
  return Math.round(Number(scale === 1 ? written : written.slice(0, -1)) * scale);
}

/** The config's `prices:` in the domain's form (cache prices default to 0). */
export function resolvePrices(written: WrittenConfig['prices']): PriceTable {
  return Object.fromEntries(
    Object.entries(written ?? {}).map(([model, price]) => [
      model,
      {
        input: price.input,
        output: price.output,
        cacheWrite: price.cache_write ?? 0,
        cacheRead: price.cache_read ?? 0,
      },
    ]),
  );
}

/** The written config plus the facts `load.ts` gathered, resolved into a `Config` with no optional left to guess. */
export function normalise(written: WrittenConfig, facts: NormaliseFacts): Config {
  const configDir = path.dirname(facts.file);
  const configName = path.basename(facts.file);
  const base = written.base ?? facts.currentBranch;
  if (base === undefined) {
    throw new CzarError(
      'config_invalid',
      `${facts.repoTop} is on a detached HEAD and ${configName} has no base:; add e.g. base: main to name the branch workers start from.`,
    );
  }
  const worktrees =
    written.worktrees === undefined
      ? path.join(path.dirname(facts.repoTop), `${path.basename(facts.repoTop)}-workers`)
      : path.resolve(configDir, written.worktrees);

  const task = (
    entry: WrittenWorker | WrittenBonus,
    at: ConfigPath,
  ): { task: string; title: string; taskSource: string } => {
    const fromFile = entry.task_file;
    const text = fromFile === undefined ? (entry.task ?? '') : facts.taskFiles.get(fromFile);
    if (text === undefined)
      throw new CzarError(
        'config_invalid',
        `${configName} names task_file ${fromFile ?? ''} but its text was not read; this is a bug in czar.`,
      );
    const taskSource =
      fromFile === undefined
        ? `${configName}:${facts.lineOf([...at, 'task'])}`
        : path.relative(configDir, path.resolve(configDir, fromFile));
    const trimmed = text.trimEnd();
    return { task: trimmed, title: taskTitle(trimmed), taskSource };
  };
  const roleText = (role: string | undefined): string | undefined =>
    role === undefined ? undefined : facts.roles.get(role);

  const agents = resolveAgents(written.agents, configDir);
  const defaultAgent = written.agent ?? DEFAULT_AGENT;
  const agentFor = (name: string): AgentCommand => {
    const agent = agents[name];
    if (agent === undefined)
      throw new CzarError(
        'config_invalid',
        `agent "${name}" is not a built-in agent or an agents: entry in ${configName}; add it under agents:.`,
      );
    return agent;
  };

  const hosts = resolveHosts(written.hosts, configDir);
  const worktreeOf = (worker: WrittenWorker): string => {
    const host = hosts.find((candidate) => candidate.name === worker.host);
    return host === undefined
      ? path.join(worktrees, worker.name)
      : hostWorktreePath(host, written.project, worker.name);
  };
  const workers: WorkerSpec[] = written.workers.map((worker, index) => ({
    name: worker.name,
    ...task(worker, ['workers', index]),
    branch: workerBranch(worker),
    agent: agentFor(worker.agent ?? defaultAgent),
    role: worker.role,
    roleText: roleText(worker.role),
    scope: worker.scope ?? [],
    dependsOn: worker.depends_on ?? [],
    env: worker.env ?? {},
    worktree: worktreeOf(worker),
    checks: resolveChecks(written.checks, worker.checks),
    ...(worker.host === undefined ? {} : { host: worker.host }),
  }));

  const bonus: BonusTask[] = (written.bonus ?? []).map((entry, index) => {
    const { task: text, title } = task(entry, ['bonus', index]);
    return {
      id: entry.name ?? `bonus-${index + 1}`,
      task: text,
      title,
      scope: entry.scope ?? [],
      role: entry.role,
      roleText: roleText(entry.role),
      buildsOn: entry.builds_on,
    };
  });

  return {
    file: facts.file,
    project: written.project,
    repo: facts.repoTop,
    base,
    worktrees,
    stateDir: path.join(configDir, '.czar'),
    tmuxSocket: `czar-${written.project}`,
    defaultAgent,
    agents,
    workers,
    policy: resolvePolicy(written.policy),
    checks: (written.checks ?? []).map(resolveCheck),
    bonus,
    notify:
      written.notify === undefined
        ? undefined
        : { command: resolveCommand(written.notify.command, configDir), args: written.notify.args ?? [] },
    hosts,
    integration: {
      branch: written.integration?.branch ?? DEFAULT_INTEGRATION_BRANCH,
      checks: (written.integration?.checks ?? written.checks ?? []).map(resolveCheck),
      advanceBase: written.integration?.advance_base ?? false,
    },
    pr: { remote: written.pr?.remote ?? 'origin', when: written.pr?.when ?? 'off', draft: written.pr?.draft ?? true },
    prices: resolvePrices(written.prices),
  };
}
