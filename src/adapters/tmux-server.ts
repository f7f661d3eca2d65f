import { CzarError } from '../domain/errors.js';
import { cleanEnv, run, type RunResult } from './process.js';
import { escapeArg } from './tmux-words.js';

/**
 * Runs tmux with these arguments somewhere else (on an SSH host); the default runs the local tmux. The one seam that
 * lets delivery, presets and the supervisor drive a host's tmux exactly as they drive this machine's.
 */
export type TmuxRunner = (
  args: readonly string[],
  options: { input?: string; allowFailure?: boolean },
) => Promise<RunResult>;

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
    protected readonly remote?: TmuxRunner,
  ) {}

  /**
   * From now on no command starts this server: for the czar, which lives in the server it watches. A session it
   * makes (a restart, a queued launch) after the fleet was taken down would otherwise bring the server back with a
   * worker and no czar. Local servers only: a host's server is made by the host launch.
   */
  joinOnly(): void {
    this.joinsOnly = true;
  }

  /** Runs `tmux -L <socket> ...args`. */
  async cmd(args: readonly string[], options: { input?: string; allowFailure?: boolean } = {}): Promise<RunResult> {
    return this.chain([args], options);
  }

  /**
   * Runs several tmux commands in one invocation, in order, in one server event-loop turn. Arguments are escaped,
   * so a value ending in `;` stays a value instead of splitting the command. tmux 3.3a (`spawn.c`) gives a new or
   * respawned pane the PATH of the client that ran the command, over `-e PATH=`, on a new or a running server: so
   * `clientPath` runs the client itself with the pane's PATH.
   */
  async chain(
    commands: readonly (readonly string[])[],
    options: { input?: string; allowFailure?: boolean; clientPath?: string } = {},
  ): Promise<RunResult> {
    if (this.closed)
      throw new CzarError(
        'tmux_closed',
        `The tmux server ${this.socket} was shut down for good, so "${commands[0]?.[0] ?? ''}" was not run.`,
      );
    const args = commands.flatMap((command, index) => [...(index === 0 ? [] : [';']), ...command.map(escapeArg)]);
    const { clientPath, ...rest } = options;
    // On a host the client is the ssh session's, whose PATH is the host's own.
    const running =
      this.remote !== undefined
        ? this.remote(['-L', this.socket, ...args], rest)
        : run('tmux', ['-L', this.socket, ...(this.joinsOnly ? ['-N'] : []), ...args], {
            ...rest,
            env: cleanEnv(clientPath === undefined ? {} : { PATH: clientPath }),
          });
    this.inFlight.add(running);
    const settled = (): void => void this.inFlight.delete(running);
    running.then(settled, settled);
    return running;
  }
}
