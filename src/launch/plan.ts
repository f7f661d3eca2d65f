import { agentKind, presetOf } from '../agents/index.js';
import { reviewerNotes } from '../domain/text/review-text.js';
import { CZAR_ENV_NOTE } from '../domain/model/agent-env.js';
import { samePath } from '../domain/model/paths.js';
import { waitsBecause } from '../domain/policy/starts.js';
import type { Config, WorkerSpec } from '../domain/model/config-types.js';
import { onThisDisk } from '../domain/model/place-kind.js';

/** The delivery times of a worker's launch record. */
export interface DeliveryRecord {
  readonly deliveredAt?: string;
  readonly deliveryStartedAt?: string;
  /** The digest of the worker's own task when it was delivered: the config's task may have changed since. */
  readonly taskDigest?: string;
}

/** What `up` knows about the world before it acts (gathered by the shell, so planning stays pure). */
export interface LaunchFacts {
  readonly worktrees: readonly { readonly path: string; readonly branch: string | undefined }[];
  /** Each local branch, with its tip commit. */
  readonly branches: ReadonlyMap<string, string>;
  /** Full names of the refs that are not branches (tags, remotes): a branch of the same name would be misread. */
  readonly otherRefs: ReadonlySet<string>;
  readonly sessions: ReadonlySet<string>;
  /** Sessions whose agent has exited (remain-on-exit keeps the pane). */
  readonly deadSessions: ReadonlySet<string>;
  /** Workers whose agent command is not an executable file (looked up on that agent's PATH for a bare name). */
  readonly commandMissing: ReadonlySet<string>;
  /** The fleet's tmux socket path: a Unix socket path has a hard length limit. */
  readonly socketPath: string;
  /** What `worktrees:` names on disk. */
  readonly worktreesKind: 'folder' | 'missing' | 'other';
  /** Paths (worker worktree folders) that exist on disk. */
  readonly existingPaths: ReadonlySet<string>;
  readonly records: ReadonlyMap<string, DeliveryRecord>;
  /** Each worker's last report (state and time), as its agent wrote it. */
  readonly reports: ReadonlyMap<string, { readonly state: string; readonly at: string }>;
  readonly baseExists: boolean;
  /** Branches czar created at an earlier launch (recorded): only these does `down --purge` delete. */
  readonly madeBranches: ReadonlySet<string>;
}

/** `recreate`: git still lists the worktree on the worker's branch, but its folder was deleted by hand. */
export type WorktreeStep = 'reuse' | 'recreate' | 'create-branch' | 'checkout-branch';
/** `respawn`: the session is there but its agent exited; the agent is started again in that pane. */
export type SessionStep = 'create' | 'adopt' | 'respawn';
/**
 * `redeliver`: a delivery into the running agent started (then `up` was stopped) and the agent never reported
 * since, so the task did not arrive. `resume`: an earlier agent had the task, but this is a new agent process that
 * knows nothing of it; it gets the task again with the commits so far. `unrecorded`: an agent runs in the worker's
 * session but no launch record says what it was given (the state dir was deleted, e.g. by `git clean -fdx`): it is
 * adopted as it is, since pasting the whole task into a working agent again would restart its work. `may-have-run`: a
 * plain shell's task was pasted once, confirmed or not: it may have run, and it is never pasted again unasked, as a
 * shell would run it twice.
 */
export type DeliveryStep = 'deliver' | 'skip' | 'redeliver' | 'resume' | 'unrecorded' | 'may-have-run';

export interface WorkerPlan {
  readonly worker: WorkerSpec;
  readonly worktree: WorktreeStep;
  readonly session: SessionStep;
  readonly delivery: DeliveryStep;
  /** `now`: launched by `up`; `queued`: waits for dependencies or a free slot (the supervisor starts it). */
  readonly wave: 'now' | 'queued';
  readonly queuedBecause: string | undefined;
  /** The worker works on a branch that existed before czar: `down --purge` never deletes it. */
  readonly givenBranch: boolean;
  /** Why this worker cannot be launched as things are (also listed in the plan's `problems`). */
  readonly problem?: string;
  /** The id of the agent's own conversation to continue, for a restart that resumes it. */
  readonly conversation?: string;
}

export interface LaunchPlan {
  readonly workers: readonly WorkerPlan[];
  /** Everything that stops the launch, each one sentence; nothing is created when this is non-empty. */
  readonly problems: readonly string[];
}

/**
 * Decides, for every worker, how its worktree, session and task delivery are brought about, and finds every
 * problem up front so that a bad launch makes nothing half. Running it again on a running fleet adopts what exists.
 */
export function planLaunch(
  config: Config,
  facts: LaunchFacts,
  options: { readonly redeliver?: boolean } = {},
): LaunchPlan {
  const problems: string[] = [];
  if (!facts.baseExists) {
    problems.push(
      `Base branch "${config.base}" does not exist in ${config.repo}; create it or set "base:" in ${config.file}.`,
    );
  }
  const socketBytes = Buffer.byteLength(facts.socketPath);
  if (socketBytes > MAX_SOCKET_PATH_BYTES) {
    problems.push(
      `The project name "${config.project}" makes the tmux socket path ${facts.socketPath} ${socketBytes} bytes long, over the ${MAX_SOCKET_PATH_BYTES} a Unix socket path may have; set a shorter "project:" in ${config.file}.`,
    );
  }
  if (facts.worktreesKind === 'other') {
    problems.push(
      `worktrees: names ${config.worktrees}, which is a file, not a folder; point "worktrees:" in ${config.file} at a folder (czar makes it when it is missing).`,
    );
  }
  let active = 0;
  const plans: WorkerPlan[] = [];
  for (const worker of config.workers) {
    const { step, problems: stopping } = planWorker(config, facts, worker, options);
    problems.push(...stopping);
    // An agent that runs is adopted as it is; `up` knows no worker done (the czar learns that), so dependents wait.
    const queuedBecause =
      step.session === 'adopt' ? undefined : waitsBecause(worker, () => false, active, config.policy.maxActive);
    if (queuedBecause === undefined) active++;
    plans.push({ ...step, wave: queuedBecause === undefined ? 'now' : 'queued', queuedBecause });
  }
  return { workers: plans, problems };
}

/**
 * How one worker's worktree, session and task delivery are brought about, from the facts about it, and every problem
 * that stops it: `czar up` plans each worker so, and the czar the one it starts (`decide()` chose that it starts).
 */
export function planWorker(
  config: Config,
  facts: LaunchFacts,
  worker: WorkerSpec,
  options: { readonly redeliver?: boolean } = {},
): { readonly step: WorkerPlan; readonly problems: readonly string[] } {
  const worktree = worktreeStep(worker, facts);
  const problems = [
    'problem' in worktree ? worktree.problem : undefined,
    ambiguousBranch(worker, config, facts),
    branchCollision(worker, config, facts),
    commandProblem(worker, facts),
  ].filter((problem) => problem !== undefined);
  const step = 'step' in worktree ? worktree.step : 'reuse';
  // An agent whose folder was deleted under it cannot work there, nor see the one made again: it starts again.
  const adopted = facts.sessions.has(worker.name) && !facts.deadSessions.has(worker.name) && step !== 'recreate';
  const plan: WorkerPlan = {
    worker,
    worktree: step,
    session: adopted ? 'adopt' : facts.sessions.has(worker.name) ? 'respawn' : 'create',
    delivery: deliveryStep(
      adopted,
      facts.records.get(worker.name),
      facts.reports.get(worker.name),
      options.redeliver === true,
      presetOf(worker.agent).plainTask === true,
    ),
    wave: 'now',
    queuedBecause: undefined,
    givenBranch: facts.branches.has(worker.branch) && !facts.madeBranches.has(worker.branch),
    ...(problems[0] === undefined ? {} : { problem: problems[0] }),
  };
  return { step: plan, problems };
}

/**
 * A worker whose session is gone started again on its worktree as it is, its task given anew (continuing its own
 * `conversation`, when given): a restart, whose start `decide()` chose.
 */
export function restartPlan(worker: WorkerSpec, conversation?: string): WorkerPlan {
  return {
    worker,
    worktree: 'reuse',
    session: 'create',
    delivery: 'deliver',
    wave: 'now',
    queuedBecause: undefined,
    givenBranch: false,
    ...(conversation === undefined ? {} : { conversation }),
  };
}

/** sun_path is 108 bytes on Linux, one of them the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/**
 * git stores a branch as a file under refs/heads, so `feat` and `feat/x` cannot both exist: found here, not as a
 * failed `git worktree add` half-way through a launch.
 */
function branchCollision(worker: WorkerSpec, config: Config, facts: LaunchFacts): string | undefined {
  const others = [
    ...config.workers
      .filter((other) => other !== worker)
      .map((other) => ({ branch: other.branch, owner: `worker "${other.name}"` })),
    ...[...facts.branches.keys()]
      .filter((branch) => !config.workers.some((other) => other.branch === branch))
      .map((branch) => ({ branch, owner: 'already in the repo' })),
  ];
  const clash = others.find(
    (other) => other.branch.startsWith(`${worker.branch}/`) || worker.branch.startsWith(`${other.branch}/`),
  );
  if (clash === undefined) return undefined;
  return `Branch "${worker.branch}" of worker "${worker.name}" cannot exist beside branch "${clash.branch}" (${clash.owner}), since git keeps one as a folder of the other; give one of them another "branch:" in ${config.file}.`;
}

/**
 * git resolves a short name as `refs/<name>`, then a tag, then a branch, then a remote: a branch named like another
 * ref is read as that ref by every command given the short name, and one starting with `refs/` becomes
 * `refs/heads/refs/...`. czar names its branches in full, but a person's `git log v1` would not.
 */
function ambiguousBranch(worker: WorkerSpec, config: Config, facts: LaunchFacts): string | undefined {
  const branch = worker.branch;
  if (branch.startsWith('refs/')) {
    return `Branch "${branch}" of worker "${worker.name}" starts with "refs/", so git would make refs/heads/${branch} and read the name as another ref; give the worker a "branch:" without the refs/ prefix in ${config.file}.`;
  }
  const clash = [`refs/${branch}`, `refs/tags/${branch}`, `refs/remotes/${branch}`, `refs/remotes/${branch}/HEAD`].find(
    (ref) => facts.otherRefs.has(ref),
  );
  if (clash === undefined) return undefined;
  return `Branch "${branch}" of worker "${worker.name}" has the name of ${clash}, so git would read "${branch}" as that ref, not the branch; give the worker another "branch:" in ${config.file}, or rename that ref.`;
}

function commandProblem(worker: WorkerSpec, facts: LaunchFacts): string | undefined {
  if (!facts.commandMissing.has(worker.name)) return undefined;
  return `The command "${worker.agent.command}" of agent "${worker.agent.name}" (worker "${worker.name}") is not an executable file${worker.agent.command.includes('/') ? '' : ' on PATH'}; install it, make it executable, or fix "command:" under agents: in the config.`;
}

function deliveryStep(
  adopted: boolean,
  record: DeliveryRecord | undefined,
  report: { readonly state: string; readonly at: string } | undefined,
  redeliver: boolean,
  plainShell: boolean,
): DeliveryStep {
  if (adopted && record === undefined) return redeliver ? 'deliver' : 'unrecorded';
  const startedAt = record?.deliveryStartedAt ?? record?.deliveredAt;
  if (startedAt === undefined) return 'deliver';
  if (plainShell) return record?.deliveredAt !== undefined || report?.state === 'done' ? 'skip' : 'may-have-run';
  // A new agent process knows nothing of the task: only a worker that finished needs none.
  if (!adopted) return report?.state === 'done' ? 'skip' : 'resume';
  if (record?.deliveredAt !== undefined) return 'skip';
  // The agent's own report since the paste started shows the task arrived (one second of clock slack); idle does
  // not, since agents report idle as they start (Claude Code's and Gemini CLI's SessionStart hooks).
  const arrived =
    report !== undefined && report.state !== 'idle' && Date.parse(report.at) >= Date.parse(startedAt) - 1000;
  return arrived ? 'skip' : 'redeliver';
}

function worktreeStep(worker: WorkerSpec, facts: LaunchFacts): { step: WorktreeStep } | { problem: string } {
  // A boxed worker's repository of its own is no worktree of this repo: it is there (and checked at its start) or not.
  if (worker.sandbox !== undefined) {
    if (facts.existingPaths.has(worker.worktree)) return { step: 'reuse' };
    return { step: facts.branches.has(worker.branch) ? 'checkout-branch' : 'create-branch' };
  }
  const here = facts.worktrees.find((entry) => samePath(entry.path, worker.worktree));
  const elsewhere = facts.worktrees.find(
    (entry) => entry.branch === worker.branch && !samePath(entry.path, worker.worktree),
  );
  // A worker czar launched whose folder is gone and whose branch is checked out elsewhere: its worktree was moved.
  if (
    elsewhere !== undefined &&
    here === undefined &&
    facts.records.has(worker.name) &&
    !facts.existingPaths.has(worker.worktree)
  ) {
    return {
      problem: `The worktree of worker "${worker.name}" is at ${elsewhere.path}, not at ${worker.worktree} (moved with "git worktree move"?); move it back with "git worktree move ${elsewhere.path} ${worker.worktree}", or give the worker another "branch:".`,
    };
  }
  if (elsewhere !== undefined) {
    return {
      problem:
        `Branch "${worker.branch}" of worker "${worker.name}" is already checked out at ${elsewhere.path}; ` +
        `switch that checkout to another branch or give the worker another "branch:".`,
    };
  }
  if (here !== undefined) {
    if (here.branch === worker.branch) return { step: facts.existingPaths.has(worker.worktree) ? 'reuse' : 'recreate' };
    return {
      problem:
        `The worktree ${worker.worktree} of worker "${worker.name}" is on ${here.branch === undefined ? 'a detached HEAD' : `branch "${here.branch}"`}, ` +
        `not "${worker.branch}"; check out "${worker.branch}" there or remove that worktree with "git worktree remove".`,
    };
  }
  if (facts.existingPaths.has(worker.worktree)) {
    return {
      problem:
        `The path ${worker.worktree} for worker "${worker.name}" already exists and is not a worktree of this repo; ` +
        `move it away or set "worktrees:" to another folder.`,
    };
  }
  return { step: facts.branches.has(worker.branch) ? 'checkout-branch' : 'create-branch' };
}

/** The plan as lines a person reads (`czar up --dry-run`). */
export function describePlan(config: Config, plan: LaunchPlan): string[] {
  const local = config.workers.some(onThisDisk) ? `, worktrees in ${config.worktrees}` : '';
  const lines = [
    `project ${config.project}: tmux server "${config.tmuxSocket}", base "${config.base}"${local}`,
    `  env: ${CZAR_ENV_NOTE}`,
  ];
  for (const step of plan.workers) {
    const { worker } = step;
    const given = step.givenBranch ? 'existing branch, not made by czar: --purge keeps it' : 'existing branch';
    const worktree =
      step.problem !== undefined
        ? 'not launched: see the problem below'
        : {
            reuse: 'reuse worktree',
            recreate: 'worktree folder is missing: made again on the existing branch',
            'create-branch': `new branch from ${config.base}`,
            'checkout-branch': given,
          }[step.worktree];
    const kind = agentKind(worker.agent);
    const command = [worker.agent.command, ...worker.agent.args].join(' ') + (kind === undefined ? '' : ` (${kind})`);
    const session = {
      adopt: 'adopt running session',
      create: `start ${command}`,
      respawn: `start ${command} again in its pane (${step.worktree === 'recreate' ? 'its folder was gone' : 'the agent had exited'})`,
    }[step.session];
    const delivery = {
      deliver: 'paste task',
      skip: 'task already delivered',
      redeliver: 'delivery never confirmed: task pasted again',
      resume: 'new agent: task pasted again with the commits so far',
      unrecorded: 'no launch record (the state dir was lost): task not pasted again; "czar up --redeliver" pastes it',
      'may-have-run': "the shell's task was pasted and may have run: not pasted again, a shell would run it twice",
    }[step.delivery];
    const wave = step.wave === 'now' ? '' : ` [queued: ${step.queuedBecause ?? ''}]`;
    const where = onThisDisk(worker) ? '' : ` on host "${worker.host ?? ''}" in ${worker.worktree}`;
    lines.push(`  ${worker.name}: ${worker.branch} (${worktree})${where} · ${session} · ${delivery}${wave}`);
  }
  for (const note of reviewerNotes(config.workers)) lines.push(`  ${note}`);
  for (const problem of plan.problems) lines.push(`  problem: ${problem}`);
  return lines;
}
