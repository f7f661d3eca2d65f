import { CzarError } from '../domain/model/errors.js';
import { cleanEnv, exitError, run, type RunResult } from './process.js';
import { CONTROL_ATTACH, ControlClient, type ControlTransport } from './tmux-control.js';
import { escapeArg } from './tmux-words.js';

type ChainOptions = { input?: string; allowFailure?: boolean; clientPath?: string };

/** Commands that start a program: through a control client the pane's PATH comes from `-e PATH=` only. */
const SPAWNING = new Set(['new-session', 'respawn-pane', 'new-window', 'split-window']);
/** Commands that change nothing on the server, so running one again after its reply was lost is harmless. */
const READ_ONLY = new Set([
  'list-sessions',
  'list-panes',
  'list-windows',
  'list-clients',
  'capture-pane',
  'display-message',
  'show-environment',
  'show-options',
  'has-session',
]);

/**
 * Runs tmux with these arguments somewhere else (on an SSH host); the default runs the local tmux. The one seam that
 * lets delivery, presets and the supervisor drive a host's tmux exactly as they drive this machine's.
 */
export type TmuxRunner = (
  args: readonly string[],
  options: { input?: string; allowFailure?: boolean },
) => Promise<RunResult>;

/** How to reach a host's tmux: one process per command, and the argv of a control client there (its one channel). */
export interface TmuxRemote {
  readonly run: TmuxRunner;
  /** The local argv that runs tmux with these arguments on the host, connecting first when needed. */
  readonly controlArgv: (args: readonly string[]) => Promise<readonly string[]>;
}

/**
 * One private tmux server (`tmux -L <socket>`). Every command carries the socket, so czar never touches the
 * user's default server.
 */
export class TmuxServer {
  /** Set by `close()`: no command may run, so a launch still in flight cannot bring the server back. */
  protected closed = false;
  /** Set by `joinOnly()`: commands go to a running server and never start one (tmux -N). */
  protected joinsOnly = false;
  /** Commands started and not yet answered, which `close()` waits for. */
  protected readonly inFlight = new Set<Promise<RunResult>>();

  /**
   * `owner`: the state dir this server serves. It is written into the server's global environment when the server
   * is made, so another fleet that happens to get the same socket name can tell the server is not its own.
   * `remote` runs every command on a host; undefined means this machine's tmux.
   */
  constructor(
    readonly socket: string,
    protected readonly owner?: string,
    protected readonly remote?: TmuxRemote,
  ) {}

  /**
   * From now on no command starts this server: for the czar, which lives in the server it watches. A session it
   * makes (a restart, a queued launch) after the fleet was taken down would otherwise bring the server back with a
   * worker and no czar. Local servers only: a host's server is made by the host launch.
   */
  joinOnly(): void {
    this.joinsOnly = true;
  }

  /**
   * Sends this adapter's commands down one control-mode client from now on: for the long-lived processes (the launch,
   * the czar). A short-lived command (`czar report`) keeps to processes, because every attach is a moment in which
   * tmux up to 3.6a can crash: a notification (a session made, a window renamed, a buffer loaded) that reaches a
   * control client still identifying itself dereferences its missing state and takes the whole server down (tmux
   * pull request 4980). So the attach happens once, while none of this adapter's own commands run.
   */
  useControl(): void {
    this.controlWanted = true;
  }

  /** Whether the next command goes down a control connection (one line on it) rather than as a process. */
  protected get controlled(): boolean {
    return this.controlWanted && (this.control?.open === true || this.answeredByProcess);
  }

  /** Runs `tmux -L <socket> ...args`. */
  async cmd(args: readonly string[], options: { input?: string; allowFailure?: boolean } = {}): Promise<RunResult> {
    return this.chain([args], options);
  }

  /** Called once when commands had to go one process each because the control connection closed or failed. */
  onFallback: ((message: string) => void) | undefined;
  private controlWanted = false;
  private control: ControlClient | undefined;
  /** Set while a control client attaches: every command of this adapter waits for it. */
  private attaching: Promise<void> | undefined;
  /** Commands being run now, by a process or the control client. */
  private readonly running = new Set<Promise<unknown>>();
  /** A process answered with success since the last control client closed: the server is there to attach to. */
  private answeredByProcess = false;
  private fallbackSaid = false;

  /**
   * Runs several tmux commands in one invocation, in order, in one server event-loop turn. Arguments are escaped,
   * so a value ending in `;` stays a value instead of splitting the command. tmux 3.3a (`spawn.c`) gives a new or
   * respawned pane the PATH of the client that ran the command, over `-e PATH=`, on a new or a running server: so
   * `clientPath` runs the client itself with the pane's PATH.
   */
  async chain(commands: readonly (readonly string[])[], options: ChainOptions = {}): Promise<RunResult> {
    if (this.closed)
      throw new CzarError(
        'tmux_closed',
        `The tmux server ${this.socket} was shut down for good, so "${commands[0]?.[0] ?? ''}" was not run.`,
      );
    const running = this.route(commands, options);
    this.inFlight.add(running);
    const settled = (): void => void this.inFlight.delete(running);
    running.then(settled, settled);
    return running;
  }

  /** Stops the control client; the next commands go one process each until it is started again. */
  dropControl(): void {
    this.control?.close();
    this.control = undefined;
    this.answeredByProcess = false;
  }

  private async route(commands: readonly (readonly string[])[], options: ChainOptions): Promise<RunResult> {
    while (this.attaching !== undefined) await this.attaching;
    const sent = options.input === undefined ? commands : inputAsArgument(commands, options.input);
    const controlled = sent !== undefined && this.controllable(sent, options);
    if (controlled && this.control === undefined) {
      this.attaching = this.attachControl().finally(() => (this.attaching = undefined));
      return this.route(commands, options);
    }
    const running = controlled ? this.runControlled(sent, commands, options) : this.runProcess(commands, options);
    this.running.add(running);
    const settled = (): void => void this.running.delete(running);
    running.then(settled, settled);
    return running;
  }

  /** Starts the control client once every command of this adapter is answered, and waits until it is attached. */
  private async attachControl(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    const client = new ControlClient(await this.controlTransport(), (reason, unanswered) =>
      this.controlClosed(client, reason, unanswered),
    );
    this.control = client;
    await client.ready;
  }

  private async controlTransport(): Promise<ControlTransport> {
    const { remote } = this;
    if (remote === undefined) {
      const args = this.tmuxArgs();
      return {
        argv: ['tmux', ...args, ...CONTROL_ATTACH],
        ask: (more) => run('tmux', [...args, ...more], { allowFailure: true, env: cleanEnv() }),
      };
    }
    return {
      argv: await remote.controlArgv(['-L', this.socket, ...CONTROL_ATTACH]),
      ask: (more) => remote.run(['-L', this.socket, ...more], { allowFailure: true }),
    };
  }

  /**
   * Through the control client, once processes proved the server runs: not kill-server (whose reply may never come),
   * and a program only when its PATH is in its own `-e` flags (an attached client's PATH is not passed on). `commands`
   * are as sent: stdin already turned into an argument.
   */
  private controllable(commands: readonly (readonly string[])[], options: ChainOptions): boolean {
    if (commands.some(([name]) => name === 'kill-server')) return false;
    if (options.clientPath === undefined && commands.some(([name]) => SPAWNING.has(name ?? ''))) return false;
    return this.controlled;
  }

  /** Runs `sent` down the control client; `commands` (with stdin) is what runs as a process if the client closes. */
  private async runControlled(
    sent: readonly (readonly string[])[],
    commands: readonly (readonly string[])[],
    options: ChainOptions,
  ): Promise<RunResult> {
    const { replies, ...lost } = await (this.control as ControlClient).send(
      sent,
      !sent.every(([name]) => READ_ONLY.has(name ?? '')),
    );
    if (replies === undefined) {
      // The client closed before the reply: a chain that ran is answered as done (its output is lost), one that did
      // not, or only reads, runs again as a process. Each is answered once and none runs twice.
      if ('ran' in lost && lost.ran) return { stdout: '', stderr: '', exitCode: 0 };
      return this.runProcess(commands, options);
    }
    const failed = replies.find((reply) => reply.failed);
    const stdout = replies
      .filter((reply) => !reply.failed)
      .flatMap((reply) => reply.lines.map((line) => `${line}\n`))
      .join('');
    const stderr = failed === undefined ? '' : `${failed.lines.join('\n')}\n`;
    const exitCode = failed === undefined ? 0 : 1;
    if (exitCode !== 0 && options.allowFailure !== true)
      throw exitError('tmux', [...this.tmuxArgs(), ...this.processArgs(commands)], exitCode, stderr);
    return { stdout, stderr, exitCode };
  }

  private controlClosed(client: ControlClient, reason: string, unanswered: number): void {
    if (this.control === client) this.control = undefined;
    this.answeredByProcess = false;
    if (unanswered === 0 || this.fallbackSaid || this.closed) return;
    this.fallbackSaid = true;
    this.onFallback?.(
      `The tmux control connection to server "${this.socket}" closed (${reason}); ${unanswered} command(s) ran again one process each, and it reconnects once the server answers a process.`,
    );
  }

  private async runProcess(commands: readonly (readonly string[])[], options: ChainOptions): Promise<RunResult> {
    const { clientPath, ...rest } = options;
    const args = this.processArgs(commands);
    // On a host the client is the ssh session's, whose PATH is the host's own.
    const result = await (this.remote !== undefined
      ? this.remote.run(['-L', this.socket, ...args], rest)
      : run('tmux', [...this.tmuxArgs(), ...args], {
          ...rest,
          env: cleanEnv(clientPath === undefined ? {} : { PATH: clientPath }),
        }));
    if (result.exitCode === 0) this.answeredByProcess = true;
    return result;
  }

  /** The socket, and -N once this server may not be started again. */
  private tmuxArgs(): string[] {
    return ['-L', this.socket, ...(this.joinsOnly ? ['-N'] : [])];
  }

  private processArgs(commands: readonly (readonly string[])[]): string[] {
    return commands.flatMap((command, index) => [...(index === 0 ? [] : [';']), ...command.map(escapeArg)]);
  }
}

/**
 * A chain that loads a buffer from stdin, with the text as `set-buffer`'s argument instead, for the control client
 * (which has no stdin of its own per command): its quoted words carry every byte but NUL exactly, a 300 KB text
 * included (checked byte for byte on tmux 3.3a). Undefined for any other chain with stdin, which runs as a process.
 */
function inputAsArgument(
  commands: readonly (readonly string[])[],
  input: string,
): readonly (readonly string[])[] | undefined {
  const [first, ...rest] = commands;
  if (first?.[0] !== 'load-buffer' || first.at(-1) !== '-' || input === '' || input.includes('\0')) return undefined;
  return [['set-buffer', ...first.slice(1, -1), '--', input], ...rest];
}
