import { mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { CzarError } from '../domain/model/errors.js';
import { controlSocketPath, remoteCommandLine, type HostSpec } from '../domain/model/host-layout.js';
import { cleanEnv, run, type RunResult } from './process.js';

/** ssh's own exit status when the connection (not the remote command) failed. */
const SSH_FAILED = 255;
/** A lost link is noticed after about this long (ServerAliveInterval x ServerAliveCountMax). */
const ALIVE_INTERVAL_S = 2;
const ALIVE_COUNT = 3;
const CONNECT_TIMEOUT_S = 10;
/** An idle master with no czar using it goes away after this long. */
const PERSIST_S = 600;

export interface RemoteRunOptions {
  /** Fed to the remote command's stdin (task text goes to `tmux load-buffer -` this way, never on a command line). */
  readonly input?: string;
  /** Resolve with the remote exit code instead of throwing when the remote command fails. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

/**
 * One host's multiplexed SSH connection: a master started on purpose (ControlMaster, control socket in the state
 * dir), and every remote command an argument array run through it. Host keys are checked as the user's ssh config
 * says (never StrictHostKeyChecking=no), and BatchMode makes a prompt an error instead of a hang.
 */
export class SshConnection {
  private connecting: Promise<void> | undefined;

  constructor(
    readonly host: HostSpec,
    readonly controlPath: string,
  ) {}

  /** The connection of `host` for the fleet whose state dir is `stateDir`. */
  static forHost(host: HostSpec, stateDir: string): SshConnection {
    return new SshConnection(
      host,
      controlSocketPath(stateDir, host.name, path.join(tmpdir(), `czar-ssh-${process.getuid?.() ?? 0}`)),
    );
  }

  /** `ssh` options and destination, ending with `--` so nothing after the destination reads as an option. */
  sshArgs(extra: readonly string[] = []): string[] {
    const { host } = this;
    return [
      ...(host.sshConfig === undefined ? [] : ['-F', host.sshConfig]),
      '-o',
      `ControlPath=${this.controlPath}`,
      '-o',
      'BatchMode=yes',
      '-o',
      `ServerAliveInterval=${ALIVE_INTERVAL_S}`,
      '-o',
      `ServerAliveCountMax=${ALIVE_COUNT}`,
      // Without a master (it died with the link) a command connects on its own: bound that, or it waits minutes.
      '-o',
      `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
      ...(host.port === undefined ? [] : ['-p', String(host.port)]),
      ...extra,
      '--',
      host.destination,
    ];
  }

  /** Runs argv on the host through the master, opening it first when needed. */
  async run(argv: readonly string[], options: RemoteRunOptions = {}): Promise<RunResult> {
    await this.connect();
    const result = await run('ssh', [...this.sshArgs(['-o', 'ControlMaster=no']), remoteCommandLine(argv)], {
      input: options.input,
      allowFailure: true,
      timeoutMs: options.timeoutMs,
      env: cleanEnv(),
    });
    if (result.exitCode === SSH_FAILED) {
      this.connecting = undefined;
      throw sshError(this.host, result.stderr);
    }
    if (result.exitCode !== 0 && options.allowFailure !== true) {
      const reason = result.stderr.trim().split('\n')[0] ?? '';
      throw new CzarError(
        'remote_command_failed',
        `"${argv.join(' ')}" exited with ${result.exitCode} on host "${this.host.name}"${reason === '' ? '' : `: ${reason}`}.`,
      );
    }
    return result;
  }

  /**
   * Opens the master once (callers at the same time share the attempt). It runs detached with its messages in a log
   * file: a master holding czar's stderr pipe would keep every command that started it from finishing.
   */
  connect(): Promise<void> {
    this.connecting ??= this.openMaster().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async openMaster(): Promise<void> {
    if (await this.isOpen()) return;
    await mkdir(path.dirname(this.controlPath), { recursive: true, mode: 0o700 });
    const logFile = `${this.controlPath}.log`;
    const master = execa(
      'ssh',
      [...this.sshArgs(['-M', '-N', '-f', '-o', `ControlPersist=${PERSIST_S}`, '-E', logFile])],
      {
        env: cleanEnv(),
        stdin: 'ignore',
        stdout: 'ignore',
        stderr: 'ignore',
        reject: false,
      },
    );
    // With -f ssh forks once authenticated: the foreground process exits 0 then, or 255 when it could not connect.
    const result = await master;
    if (result.exitCode !== 0 || !(await this.isOpen())) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw sshError(this.host, log);
    }
  }

  /** True while the master answers on its control socket. */
  async isOpen(): Promise<boolean> {
    const result = await run('ssh', [...this.sshArgs(['-O', 'check'])], { allowFailure: true, env: cleanEnv() });
    return result.exitCode === 0;
  }

  /** Closes the master (the workers on the host keep running in its tmux). */
  async close(): Promise<void> {
    this.connecting = undefined;
    await run('ssh', [...this.sshArgs(['-O', 'exit'])], { allowFailure: true, env: cleanEnv() });
  }

  /**
   * Runs a long-lived command on the host and hands each stdout line to `onLine` (a line over `maxLine` characters
   * arrives as its first `maxLine` characters, which no JSON reader accepts). stdin stays open and unused: the remote
   * command sees it end when the connection goes, and stops. `done` resolves with ssh's exit code and last message.
   */
  stream(
    argv: readonly string[],
    onLine: (line: string) => void,
    maxLine: number,
  ): { done: Promise<{ exitCode: number; message: string }>; stop(): void } {
    const child = execa('ssh', [...this.sshArgs(['-o', 'ControlMaster=no']), remoteCommandLine(argv)], {
      env: cleanEnv(),
      stdin: 'pipe',
      buffer: false,
      reject: false,
      encoding: 'utf8',
    });
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        onLine(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > maxLine) pending = pending.slice(0, maxLine);
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    const done = child.then((result) => {
      const message = stderr.trim().split('\n').at(-1) ?? '';
      return { exitCode: result.exitCode ?? 1, message };
    });
    return {
      done,
      stop: () => {
        // Through a master the remote end writes into these pipes itself (ssh hands the master its descriptors), so
        // killing the client alone would leave them open: close ours, and end stdin so the remote command stops.
        child.stdin.end();
        child.stdout.destroy();
        child.stderr.destroy();
        child.kill('SIGTERM');
      },
    };
  }

  /** argv for a long-lived command on the host (a tmux control client), through the master, opened first. */
  async commandArgv(argv: readonly string[]): Promise<string[]> {
    await this.connect();
    return ['ssh', ...this.sshArgs(['-o', 'ControlMaster=no']), remoteCommandLine(argv)];
  }

  /** argv for an interactive command on the host with a terminal (`czar attach`), through the same master. */
  interactiveArgv(argv: readonly string[]): string[] {
    // LogLevel=ERROR: "Shared connection to ... closed." would be left on the person's screen after every detach.
    return ['ssh', ...this.sshArgs(['-t', '-o', 'ControlMaster=no', '-o', 'LogLevel=ERROR']), remoteCommandLine(argv)];
  }
}

/** Turns ssh's own complaint into one sentence that names the host and says what to do. */
export function sshError(host: HostSpec, stderr: string): CzarError {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('debug'));
  const said = lines.find((line) => !line.startsWith('@')) ?? lines[0] ?? 'no message';
  const target = `${host.destination}${host.port === undefined ? '' : ` port ${host.port}`}`;
  const config = host.sshConfig === undefined ? '~/.ssh/config' : host.sshConfig;
  const knownHostsCommand = `ssh-keyscan ${host.port === undefined ? '' : `-p ${host.port} `}<address> >> ~/.ssh/known_hosts`;
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return new CzarError(
      'ssh_host_key_changed',
      `The host key of host "${host.name}" (${target}) has changed since it was recorded; if the host was really reinstalled, remove the old key with "ssh-keygen -R <address>" and add the new one after checking its fingerprint.`,
    );
  }
  if (/Host key verification failed|No .* host key is known/i.test(stderr)) {
    return new CzarError(
      'ssh_host_key_unknown',
      `The host key of host "${host.name}" (${target}) is not in known_hosts, and czar never accepts one blindly; check its fingerprint and add it, e.g. by running "ssh ${host.destination}" once or "${knownHostsCommand}".`,
    );
  }
  if (/Permission denied/i.test(stderr)) {
    return new CzarError(
      'ssh_auth_failed',
      `ssh to host "${host.name}" (${target}) was refused: ${said}; make sure "ssh ${host.destination}" logs in without a password prompt (a key in ssh-agent or IdentityFile in ${config}).`,
    );
  }
  return new CzarError(
    'host_unreachable',
    `Host "${host.name}" (${target}) is unreachable: ${said}; check that "ssh ${host.destination} true" works from here (network, address, ${config}).`,
  );
}
