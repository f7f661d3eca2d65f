import path from 'node:path';

/**
 * A worker's box: what `sandbox:` in czar.yaml asks for, and the pure parts of making it (who gets one, the engine's
 * command line, what a person is told it allows). The engine is found and run in `adapters/box-engine.ts`.
 */

export const SANDBOX_MODES = ['off', 'on', 'required'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** The resolved `sandbox:` of one worker. */
export interface SandboxSpec {
  /** off: no box; on: boxed where an engine is found, else unboxed (said once); required: no engine, no launch. */
  readonly mode: SandboxMode;
  /** `host:port` pairs the worker may reach besides its agent's model endpoint. */
  readonly allowHosts: readonly string[];
  /** Absolute paths the worker may write besides its own folder. */
  readonly writable: readonly string[];
  /** skip (default): a boxed agent starts in its no-approval mode, the box being the boundary; keep: as configured. */
  readonly prompts: SandboxPrompts;
}

export const SANDBOX_PROMPTS = ['skip', 'keep'] as const;
export type SandboxPrompts = (typeof SANDBOX_PROMPTS)[number];

export const SANDBOX_OFF: SandboxSpec = { mode: 'off', allowHosts: [], writable: [], prompts: 'skip' };

/** How an agent runs its tools without asking: its flags and environment, and the mode's name for a person. */
export interface NoApprovalMode {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** The no-approval mode a worker's agent starts in, or undefined when it starts as configured (and why). */
export function agentMode(
  worker: BoxedWorker,
  verdict: BoxVerdict,
  mode: NoApprovalMode | undefined,
): { mode: NoApprovalMode | undefined; why: string } {
  if (verdict.kind !== 'boxed') return { mode: undefined, why: 'not boxed' };
  if (worker.sandbox?.prompts === 'keep') return { mode: undefined, why: 'sandbox.prompts: keep' };
  if (mode === undefined) return { mode: undefined, why: 'its agent has no no-approval mode' };
  return { mode, why: 'the box is its boundary, so the prompts that stall an unattended sprint go' };
}

/** `argv` with the mode's flags it lacks, right after the program (before any subcommand such as a resume). */
export function withMode(argv: readonly string[], mode: NoApprovalMode): string[] {
  const [program, ...rest] = argv;
  const missing = mode.args.filter((arg) => !rest.includes(arg));
  return program === undefined ? [...argv] : [program, ...missing, ...rest];
}

/** The engine found on this machine, or why there is none. */
export type BoxEngine =
  | {
      readonly kind: 'bwrap';
      readonly path: string;
      readonly version: string;
      /** socat, which carries a boxed agent's connections out to its network door; undefined: not installed. */
      readonly socat?: string | undefined;
    }
  | { readonly kind: 'none'; readonly reason: string };

/** Where a worker's repository of its own lives: in czar's state, never beside the siblings' worktrees. */
export function boxedRepoPath(stateDir: string, worker: string): string {
  return path.join(boxedReposFolder(stateDir), worker);
}

/** The folder of every boxed worker's repository. */
export function boxedReposFolder(stateDir: string): string {
  return path.join(stateDir, 'work');
}

/** The folder czar shares with one boxed worker (its door): seen inside the box in place of the state dir. */
export function doorPath(stateDir: string, worker: string): string {
  return path.join(stateDir, 'doors', worker);
}

/**
 * Where the fleet's network door keeps its entries and sockets: `<worker>.json` (what the launch asks it to open),
 * `<worker>/` (that worker's sockets, and `ready` once they listen), and its own lock. Inside a box, the worker's
 * sockets' folder alone is seen, read-only, at `netInBox`; the rest is out of sight with the state dir.
 */
export function netPath(stateDir: string): string {
  return path.join(stateDir, 'net');
}

/** The parts of a worker a box is made from. */
export interface BoxedWorker {
  readonly name: string;
  readonly worktree: string;
  readonly sandbox?: SandboxSpec | undefined;
}

/** What a launch does for one worker whose sandbox is not off, given the engine this machine has. */
export type BoxVerdict =
  | { readonly kind: 'boxed' }
  | { readonly kind: 'unboxed'; readonly why: string }
  | { readonly kind: 'refused'; readonly why: string };

/** `where`: the machine the engine was looked for on, for the sentences (`host "far"`). */
export function boxVerdict(worker: BoxedWorker, engine: BoxEngine, where = 'this machine'): BoxVerdict {
  if (worker.sandbox === undefined || worker.sandbox.mode === 'off') return { kind: 'unboxed', why: 'sandbox: off' };
  if (engine.kind === 'bwrap') return { kind: 'boxed' };
  if (worker.sandbox.mode === 'on')
    return { kind: 'unboxed', why: `no sandbox engine (${engine.reason}); sandbox: on runs it unboxed` };
  return {
    kind: 'refused',
    why: `worker "${worker.name}" has sandbox: required but ${where} has no sandbox engine (${engine.reason}); install bubblewrap ${where === 'this machine' ? '' : 'there '}(apt-get install bubblewrap) or set sandbox: on to run it unboxed.`,
  };
}

/**
 * The verdict for a box on this machine (or `where`), whose network goes through its door: the engine's, and socat besides (it
 * carries the agent's connections out of the box). A box with no door (a check's) needs the engine alone.
 */
export function doorBoxVerdict(worker: BoxedWorker, engine: BoxEngine, where = 'this machine'): BoxVerdict {
  const verdict = boxVerdict(worker, engine, where);
  if (verdict.kind !== 'boxed' || engine.kind !== 'bwrap' || engine.socat !== undefined) return verdict;
  const on = where === 'this machine' ? '' : ` on ${where}`;
  const missing = `socat is not installed${on}, and a boxed worker reaches its model only through socat`;
  if (worker.sandbox?.mode === 'on') return { kind: 'unboxed', why: `${missing}; sandbox: on runs it unboxed` };
  return {
    kind: 'refused',
    why: `worker "${worker.name}" has sandbox: required but ${missing}; install it${on === '' ? '' : ' there'} (apt-get install socat) or set sandbox: on to run it unboxed.`,
  };
}

/** Everything the engine's command line is made from, gathered by the launch. */
export interface BoxPlan {
  /** The worker's own repository: its only writable folder besides `writable` and its agent's private folder. */
  readonly folder: string;
  /** The folder shared with czar (reports in, facts out), bound over the state dir; absent: the state dir is hidden. */
  readonly door?: string | undefined;
  readonly stateDir: string;
  /**
   * The home, covered by an empty folder or the copy; undefined when it does not exist: there is nothing of the
   * person's to hide, and bubblewrap cannot make its mount point in the read-only system.
   */
  readonly home: string | undefined;
  /** The worker's private copy of its agent's files from the home, seen at the home's path; absent: an empty home. */
  readonly homeCopy?: string | undefined;
  /** The worker's door sockets' folder, seen read-only at `netPath(stateDir)`; absent: none. */
  readonly sockets?: string | undefined;
  /** Folders that must stay readable although they sit under the home or /tmp (the repo, czar, the agent). */
  readonly readable: readonly string[];
  /** Folders hidden with an empty one: the siblings' worktrees, the tmux socket's folder. */
  readonly hidden: readonly string[];
  /** Writable besides the folder: the agent's private config copy, then `writable:`. */
  readonly writable: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly argv: readonly string[];
  /** The folder is a linked worktree (a check's checkout): its `.git` is a file, with nothing of the worker's to guard. */
  readonly linkedCheckout?: boolean | undefined;
  /** The folder is only read (a reviewer's checkout): bound read-only, and `writable` are the box's only writes. */
  readonly readOnlyFolder?: boolean | undefined;
}

/**
 * The bubblewrap command line that runs `plan.argv` boxed. Order matters: a later mount covers an earlier one, so the
 * system goes in read-only, then empty /tmp and home, then what must stay readable, then what is hidden, then what is
 * writable, and last the parts of the worker's own `.git` that would let it run code as czar (its config and hooks).
 */
export function boxArgv(engine: string, plan: BoxPlan): string[] {
  const bind = (flag: string, dir: string): string[] => [flag, dir, dir];
  const gitDir = path.join(plan.folder, '.git');
  return [
    engine,
    ...['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'],
    ...['--tmpfs', '/tmp'],
    ...(plan.home === undefined
      ? []
      : plan.homeCopy === undefined
        ? ['--tmpfs', plan.home]
        : ['--bind', plan.homeCopy, plan.home]),
    ...plan.readable.flatMap((dir) => bind('--ro-bind-try', dir)),
    ...plan.hidden.flatMap((dir) => ['--tmpfs', dir]),
    ...(plan.door === undefined ? ['--tmpfs', plan.stateDir] : ['--bind', plan.door, plan.stateDir]),
    ...bind(plan.readOnlyFolder === true ? '--ro-bind' : '--bind', plan.folder),
    ...plan.writable.flatMap((dir) => bind('--bind-try', dir)),
    // After every folder it writes, so none of them covers the sockets its only network goes through.
    ...(plan.sockets === undefined ? [] : ['--ro-bind', plan.sockets, netPath(plan.stateDir)]),
    ...(plan.linkedCheckout === true
      ? []
      : [...['config', 'hooks', 'info'].map((part) => path.join(gitDir, part)), path.join(gitDir, 'objects', 'info')]
    ).flatMap((dir) => bind('--ro-bind-try', dir)),
    ...['--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent'],
    ...['--cap-drop', 'ALL'],
    ...['--unsetenv', 'TMUX', '--unsetenv', 'TMUX_PANE'],
    ...Object.entries(plan.env).flatMap(([name, value]) => ['--setenv', name, value]),
    ...['--chdir', plan.folder, '--'],
    ...plan.argv,
  ];
}

/**
 * For `czar doctor` and `czar up --dry-run`: two lines per worker whose sandbox is not off, saying what its box lets
 * it do (or why it has none) and which mode its agent starts in, and why; nothing when no worker asks for a box.
 */
export function boxLines<Worker extends BoxedWorker>(
  workers: readonly Worker[],
  engine: BoxEngine,
  modeOf: (worker: Worker) => NoApprovalMode | undefined,
): string[] {
  const boxed = workers.filter((worker) => worker.sandbox !== undefined && worker.sandbox.mode !== 'off');
  if (boxed.length === 0) return [];
  const found =
    engine.kind === 'bwrap'
      ? `${engine.version} at ${engine.path}, ${engine.socat === undefined ? 'socat: not installed (apt-get install socat)' : `socat at ${engine.socat}`}`
      : `none (${engine.reason})`;
  return [
    `sandbox engine: ${found}`,
    ...boxed.flatMap((worker) => {
      const verdict = doorBoxVerdict(worker, engine);
      const chosen = agentMode(worker, verdict, modeOf(worker));
      const mode =
        chosen.mode === undefined
          ? `as configured: ${chosen.why}`
          : `${chosen.mode.name}${chosen.mode.args.length === 0 ? '' : ` (${chosen.mode.args.join(' ')})`}: ${chosen.why}`;
      return [boxSummary(worker, verdict), `${worker.name}: agent mode: ${mode}`];
    }),
  ];
}

function boxSummary(worker: BoxedWorker, verdict: BoxVerdict): string {
  const sandbox = worker.sandbox ?? SANDBOX_OFF;
  if (verdict.kind !== 'boxed') return `${worker.name}: not boxed: ${verdict.why}`;
  const writes = [worker.worktree, ...sandbox.writable, 'its agent’s private config', 'a /tmp of its own'];
  const reaches = ['its agent’s model endpoint', ...sandbox.allowHosts].join(', ');
  return `${worker.name}: boxed (${sandbox.mode}); writes ${writes.join(', ')}; network: only ${reaches}, through czar’s door; sees its own processes only, no tmux socket, no siblings; its checks boxed with no network, its reviewer boxed with only its model endpoint`;
}
