import path from 'node:path';
import { boxedRepoPath } from '../domain/model/box.js';
import { CzarError } from '../domain/model/errors.js';
import { hostWorktreePath } from '../domain/model/host-layout.js';
import type { AgentCommand, BonusTask, Config, WorkerSpec } from '../domain/model/config-types.js';
import { taskCheckpoints } from '../domain/model/checkpoints.js';
import { parseDuration } from './duration.js';
import { DEFAULT_AGENT, DEFAULT_INTEGRATION_BRANCH } from './defaults.js';
import { resolveAgents, resolveCommand } from './resolve-agents.js';
import { AUTO_AGENT, resolveRouting, withPlainShells } from './resolve-routing.js';
import { resolveHosts } from './resolve-hosts.js';
import { resolveReview } from './resolve-review.js';
import { resolveSandbox } from './resolve-sandbox.js';
import { resolveCheck, resolveChecks, resolvePolicy, resolvePrices } from './resolve-policy.js';
import type { ConfigPath } from './source-map.js';
import type { WrittenBonus, WrittenConfig, WrittenWorker } from './schema.js';

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
  const routing = withPlainShells(resolveRouting(written, defaultAgent), agents);
  const agentFor = (name: string): AgentCommand => {
    const agent = agents[name === AUTO_AGENT ? (routing.pool[0] ?? name) : name];
    if (agent === undefined)
      throw new CzarError(
        'config_invalid',
        `agent "${name}" is not a built-in agent or an agents: entry in ${configName}; add it under agents:.`,
      );
    return agent;
  };
  // Every agent of the pool must exist before any is chosen, or a later sprint would fail at launch.
  for (const name of routing.pool) agentFor(name);

  const hosts = resolveHosts(written.hosts, configDir);
  const stateDir = path.join(configDir, '.czar');
  const worktreeOf = (worker: WrittenWorker, boxed: boolean): string => {
    const host = hosts.find((candidate) => candidate.name === worker.host);
    if (host !== undefined) return hostWorktreePath(host, written.project, worker.name);
    // A boxed worker gets a repository of its own, not a linked worktree: its refs are then its own to move.
    return boxed ? boxedRepoPath(stateDir, worker.name) : path.join(worktrees, worker.name);
  };
  const workers: WorkerSpec[] = written.workers.map((worker, index) => {
    const own = task(worker, ['workers', index]);
    const sandbox = resolveSandbox(worker.sandbox ?? written.sandbox, configDir);
    return {
      name: worker.name,
      ...own,
      branch: workerBranch(worker),
      agent: agentFor(worker.agent ?? defaultAgent),
      ...((worker.agent ?? defaultAgent) === AUTO_AGENT ? { routed: true as const } : {}),
      role: worker.role,
      ...(worker.kind === undefined ? {} : { kind: worker.kind }),
      roleText: roleText(worker.role),
      scope: worker.scope ?? [],
      dependsOn: worker.depends_on ?? [],
      env: worker.env ?? {},
      worktree: worktreeOf(worker, sandbox.mode !== 'off'),
      checks: resolveChecks(written.checks, worker.checks),
      review: resolveReview(written, worker, agentFor, facts.roles),
      ...(worker.host === undefined ? {} : { host: worker.host }),
      checkpoints: taskCheckpoints(worker.checkpoints, own.task),
      ...(sandbox.mode === 'off' ? {} : { sandbox }),
    };
  });

  const bonus: BonusTask[] = (written.bonus ?? []).map((entry, index) => {
    const { task: text, title } = task(entry, ['bonus', index]);
    return {
      id: entry.name ?? `bonus-${index + 1}`,
      task: text,
      title,
      scope: entry.scope ?? [],
      role: entry.role,
      ...(entry.kind === undefined ? {} : { kind: entry.kind }),
      roleText: roleText(entry.role),
      buildsOn: entry.builds_on,
      ...((entry.agent ?? defaultAgent) === AUTO_AGENT ? { routed: true as const } : {}),
      checkpoints: taskCheckpoints(entry.checkpoints, text),
    };
  });

  return {
    file: facts.file,
    project: written.project,
    repo: facts.repoTop,
    base,
    worktrees,
    stateDir,
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
    pr: {
      remote: written.pr?.remote ?? 'origin',
      when: written.pr?.when ?? 'off',
      draft: written.pr?.draft ?? true,
      commentsEveryMs: parseDuration(written.pr?.comments_every ?? '1m') ?? 60_000,
    },
    prices: resolvePrices(written.prices),
    routing,
  };
}
