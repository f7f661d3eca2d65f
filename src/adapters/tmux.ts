import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathExists } from './file-system.js';
import { runInteractive } from './terminal.js';
import { cleanEnv, run } from './process.js';
import { BatchedScreens, captureScreens, PROCESS_BATCH_MS } from './tmux-capture.js';
import {
  directArgv,
  envFlags,
  exactSession,
  lines,
  type NewSessionOptions,
  PANE_FORMAT,
  parsePane,
  pipeCommand,
  type PaneInfo,
} from './tmux-words.js';
import { TmuxServer } from './tmux-server.js';
import { killProcessGroups } from './pane-processes.js';
import { awaitServerExit, serverProcesses } from './tmux-server-exit.js';

/** The server-wide variable naming the state dir a server serves (agents see the same value in their own env). */
const OWNER_VARIABLE = 'CZAR_STATE_DIR';

let bufferSeq = 0;

/**
 * What czar does on its tmux server: sessions, panes, screens, keys, and stopping it all. Panes are addressed by
 * `%id` once known and sessions by `=name` (exact match).
 */
export class Tmux extends TmuxServer {
  private readonly screens = new BatchedScreens(
    (paneIds) => this.captureMany(paneIds),
    () => (this.controlled ? 0 : PROCESS_BATCH_MS),
  );
  private panesInFlight: Promise<PaneInfo[] | undefined> | undefined;

  async serverRunning(): Promise<boolean> {
    const result = await this.cmd(['list-sessions', '-F', '#{session_name}'], { allowFailure: true });
    return result.exitCode === 0;
  }

  /** The state dir the running server was made for; undefined when no server runs or it never said. */
  async ownerOfServer(): Promise<string | undefined> {
    const result = await this.cmd(['show-environment', '-g', OWNER_VARIABLE], { allowFailure: true });
    const line = result.stdout.trim();
    return result.exitCode === 0 && line.startsWith(`${OWNER_VARIABLE}=`)
      ? line.slice(OWNER_VARIABLE.length + 1)
      : undefined;
  }

  async sessionExists(name: string): Promise<boolean> {
    const result = await this.cmd(['has-session', '-t', exactSession(name)], { allowFailure: true });
    return result.exitCode === 0;
  }

  async listSessions(): Promise<string[]> {
    const result = await this.cmd(['list-sessions', '-F', '#{session_name}'], { allowFailure: true });
    return result.exitCode === 0 ? lines(result.stdout) : [];
  }

  /**
   * Creates a detached session running `argv` directly (tmux execs argv when it has more than one word; a lone
   * word would go through `sh -c`, so it is prefixed with `env --`). `remain-on-exit` is set in the same invocation:
   * the server handles the child's exit only after this client's commands ran, so an agent that dies at once still
   * leaves its pane and exit status behind.
   */
  async newSession(options: NewSessionOptions): Promise<string> {
    const result = await this.chain(
      [
        [
          'new-session',
          '-d',
          '-P',
          '-F',
          '#{pane_id}',
          '-s',
          options.name,
          '-c',
          options.cwd,
          '-x',
          String(options.width ?? 200),
          '-y',
          String(options.height ?? 50),
          ...envFlags(options.env),
          '--',
          ...directArgv(options.argv),
        ],
        ['set-option', '-g', 'remain-on-exit', 'on'],
        ...(this.owner === undefined ? [] : [['set-environment', '-g', OWNER_VARIABLE, this.owner]]),
        ['set-option', '-g', 'history-limit', '20000'],
        // A renamed window notifies control clients: one moment fewer that can crash tmux <= 3.6a (useControl).
        ['set-option', '-wg', 'automatic-rename', 'off'],
        // The new session's only pane, named: a control client's implied target is its own session, not the new one.
        ...(options.logFile === undefined ? [] : [pipeCommand(`${exactSession(options.name)}:`, options.logFile)]),
      ],
      { clientPath: options.env?.PATH },
    );
    // Empty when the session was made but the control connection closed before its reply: ask for the pane.
    return result.stdout.trim() || ((await this.paneIdOf(options.name)) ?? '');
  }

  /**
   * Starts the same argv again in a dead (or live, with kill) pane: the restart path for crashed agents. tmux 3.3a
   * drops a pane's pipe when its program exits before the pipe opened and refuses pipe-pane on a dead pane, so the
   * log pipe is (re)opened in the same invocation, right after the respawn: from the new program's first byte.
   */
  async respawnPane(
    paneId: string,
    cwd: string,
    argv: readonly string[],
    env: Readonly<Record<string, string>> = {},
    logFile?: string,
  ): Promise<void> {
    await this.chain(
      [
        ['respawn-pane', '-k', '-t', paneId, '-c', cwd, ...envFlags(env), '--', ...directArgv(argv)],
        ...(logFile === undefined ? [] : [pipeCommand(paneId, logFile)]),
      ],
      { clientPath: env.PATH },
    );
  }

  async paneIdOf(session: string): Promise<string | undefined> {
    const paneOf = ['display-message', '-p', '-t', `${exactSession(session)}:`, '#{pane_id}'];
    const result = await this.cmd(paneOf, { allowFailure: true });
    const id = result.stdout.trim();
    return result.exitCode === 0 && id.startsWith('%') ? id : undefined;
  }

  /**
   * One pane, or undefined when it is gone: a question about one pane costs the same however many the server has
   * (a delivery asks every half second while it waits, and a launch of hundreds runs many at once).
   */
  async pane(paneId: string): Promise<PaneInfo | undefined> {
    const result = await this.cmd(['list-panes', '-t', paneId, '-F', PANE_FORMAT], { allowFailure: true });
    if (result.exitCode !== 0) return undefined;
    return lines(result.stdout)
      .map(parsePane)
      .find((pane) => pane.paneId === paneId);
  }

  /** Every pane on the server in one call; callers asking while a call is in flight share its answer. */
  async listPanes(): Promise<PaneInfo[]> {
    return (await this.panes()) ?? [];
  }

  /** Every pane on the server, or undefined when there is no server to ask (it was killed, or never started). */
  panes(): Promise<PaneInfo[] | undefined> {
    this.panesInFlight ??= (async () => {
      try {
        const result = await this.cmd(['list-panes', '-a', '-F', PANE_FORMAT], { allowFailure: true });
        return result.exitCode === 0 ? lines(result.stdout).map(parsePane) : undefined;
      } finally {
        this.panesInFlight = undefined;
      }
    })();
    return this.panesInFlight;
  }

  /** The visible screen of a pane, wrapped lines joined; reads close in time are batched into one invocation. */
  async capture(paneId: string, options: { history?: number } = {}): Promise<string> {
    if (options.history !== undefined) {
      const result = await this.cmd(['capture-pane', '-p', '-J', '-t', paneId, '-S', String(-options.history)], {
        allowFailure: true,
      });
      return result.exitCode === 0 ? result.stdout : '';
    }
    return this.screens.read(paneId);
  }

  /** Several screens in one tmux invocation. */
  captureMany(paneIds: readonly string[]): Promise<Map<string, string>> {
    return captureScreens((commands) => this.chain(commands, { allowFailure: true }), paneIds);
  }

  /**
   * Pastes text through a uniquely named buffer: load-buffer reads stdin (no argv or quoting limits; down the control
   * client it becomes set-buffer with the text quoted), and paste-buffer -p brackets it when the app asked for
   * bracketed paste, -r keeps LF as LF, -d frees the buffer.
   */
  async paste(paneId: string, text: string): Promise<void> {
    const buffer = `czar-${process.pid}-${++bufferSeq}-${randomBytes(3).toString('hex')}`;
    await this.chain(
      [
        ['load-buffer', '-b', buffer, '-'],
        ['paste-buffer', '-p', '-r', '-d', '-b', buffer, '-t', paneId],
      ],
      { input: text },
    );
  }

  /** Sends tmux key names (`Enter`, `Down`, `y`), not text. */
  async sendKeys(paneId: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.cmd(['send-keys', '-t', paneId, ...keys]);
  }

  /**
   * Presses keys one after another, 100 ms apart: two Escapes sent in one send-keys reach the program in one read,
   * and OpenCode 1.18 took them as one key, not as the two presses that interrupt its turn (measured).
   */
  async pressKeys(paneId: string, keys: readonly string[]): Promise<void> {
    for (const [index, key] of keys.entries()) {
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      await this.sendKeys(paneId, [key]);
    }
  }

  /** Leaves copy mode: in copy mode keys go to tmux, and pastes arrive unbracketed. */
  async cancelMode(paneId: string): Promise<void> {
    await this.cmd(['send-keys', '-t', paneId, '-X', 'cancel'], { allowFailure: true });
  }

  /**
   * Streams the pane's output into a log file. pipe-pane only takes a shell command, so the path is single-quoted
   * here. tmux 3.3a's `-o` toggles: on a pane that is already piped it closes the pipe, which stopped the log of
   * every adopted pane (and with it the bracketed-paste probe); so a piped pane is left as it is.
   */
  async pipePane(paneId: string, logFile: string): Promise<void> {
    const piped = await this.cmd(['display-message', '-p', '-t', paneId, '#{pane_pipe}'], { allowFailure: true });
    if (piped.stdout.trim() === '1') return;
    await this.cmd(pipeCommand(paneId, logFile));
  }

  async setOption(target: string, option: string, value: string): Promise<void> {
    await this.cmd(['set-option', '-t', target, option, value]);
  }

  /** Stops one session, its agent's process group first (see killServer). */
  async killSession(name: string): Promise<void> {
    killProcessGroups(await this.localPanes((pane) => pane.session === name));
    await this.cmd(['kill-session', '-t', exactSession(name)], { allowFailure: true });
  }

  /**
   * Stops the server, what runs in it, and removes its socket file (tmux 3.3a leaves it behind). Each agent pane is
   * its own process group, killed once the server is gone: agents that ignore tmux's hang-up (Gemini CLI and Codex
   * helpers did) would otherwise outlive the fleet. Killed before it, they ended while their server still ran, and a
   * czar looking then took its done workers for crashed and started them again. The czar's own pane gets the
   * hang-up, on which it writes its last status. It returns once the server has ended (see `awaitServerExit`).
   */
  async killServer(): Promise<void> {
    // This process's own control client detaches first, as tmux expects of a client before its server goes: a server
    // killed under a client whose process was going away was seen (tmux 3.3a) to live on with it, refusing everyone.
    this.dropControl();
    const panes = await this.localPanes(() => true);
    const processes = this.remote === undefined ? await serverProcesses(this) : undefined;
    await this.cmd(['kill-server'], { allowFailure: true });
    killProcessGroups(panes);
    if (processes !== undefined) await awaitServerExit(processes);
    if (this.remote === undefined) await rm(this.socketPath(), { force: true }).catch(() => undefined);
  }

  /** Panes whose pids are this machine's: a host's pids are not, and signalling them here would hit other processes. */
  private async localPanes(keep: (pane: PaneInfo) => boolean): Promise<PaneInfo[]> {
    return this.remote === undefined ? (await this.listPanes()).filter(keep) : [];
  }

  /**
   * Kills the server and refuses every later command of this adapter: for a process that is going away while its
   * own launch may still be running (a demo whose terminal closed), which would otherwise start the server again.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.dropControl();
    // A new-session already on its way would start the server again after the kill: let it land, then kill,
    // through an adapter of its own, since this one now refuses every command.
    await Promise.allSettled(this.inFlight);
    await new Tmux(this.socket, this.owner, this.remote).killServer();
  }

  /** Where tmux puts this server's socket (`$TMUX_TMPDIR/tmux-<uid>/<name>`). */
  socketPath(): string {
    return path.join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, this.socket);
  }

  /** Whether this machine's server socket is there, read without starting a process; undefined for a host's server. */
  socketPresent(): Promise<boolean> | undefined {
    return this.remote === undefined ? pathExists(this.socketPath()) : undefined;
  }

  /**
   * Hands the terminal to tmux until the person detaches. Inside a client of this same server it switches that
   * client instead (nesting a client of the same server in itself is refused by tmux).
   */
  async attach(session: string, options: { insideThisServer: boolean }): Promise<number> {
    const args = options.insideThisServer
      ? ['-L', this.socket, 'switch-client', '-t', exactSession(session)]
      : ['-L', this.socket, 'attach-session', '-t', exactSession(session)];
    const env = options.insideThisServer ? cleanEnv({ TMUX: process.env.TMUX ?? '' }) : cleanEnv();
    return (await runInteractive('tmux', args, env)) ?? 1;
  }

  static async version(): Promise<string> {
    const result = await run('tmux', ['-V']);
    return result.stdout.trim();
  }
}
