import { remoteUrl } from '../adapters/host-git.js';
import { SshConnection } from '../adapters/ssh.js';
import { cleanEnv } from '../adapters/process.js';
import { runInteractive } from '../adapters/terminal.js';
import { Tmux } from '../adapters/tmux.js';
import { exactSession } from '../adapters/tmux-words.js';
import { CzarError } from '../domain/model/errors.js';
import { hostStateDir, type HostSpec } from '../domain/model/host-layout.js';
import type { Config } from '../domain/model/config-types.js';

/** One host as czar drives it: its multiplexed connection and its tmux server (`czar-<project>` there). */
export interface HostLink {
  readonly spec: HostSpec;
  readonly ssh: SshConnection;
  readonly tmux: Tmux;
}

/** The fleet's hosts, each connection made once and shared by every worker on it. */
export class HostLinks {
  private readonly links = new Map<string, HostLink>();
  private controlled = false;

  /** `onFallback`: a host's control connection closed and its commands went one process each (said once). */
  constructor(
    private readonly config: Config,
    private readonly onFallback?: (message: string) => void,
  ) {}

  link(name: string): HostLink {
    const existing = this.links.get(name);
    if (existing !== undefined) return existing;
    const spec = this.config.hosts.find((host) => host.name === name);
    if (spec === undefined)
      throw new CzarError('unknown_host', `Host "${name}" is not in the hosts: of ${this.config.file}; add it there.`);
    const ssh = SshConnection.forHost(spec, this.config.stateDir);
    // -u: an ssh session often has no UTF-8 locale, and tmux then prints the field separator it is asked for as "_".
    const tmux = new Tmux(this.config.tmuxSocket, hostStateDir(spec, this.config.project), {
      run: (args, options) => ssh.run(['tmux', '-u', ...args], options),
      controlArgv: (args) => ssh.commandArgv(['tmux', '-u', ...args]),
    });
    tmux.onFallback = this.onFallback;
    if (this.controlled) tmux.useControl();
    const link = { spec, ssh, tmux };
    this.links.set(name, link);
    return link;
  }

  /**
   * Sends each host's tmux commands down one control client over its ssh connection from now on (the launch and the
   * czar): every command a process was an ssh session on the host each, most of a host launch's cost.
   */
  useControl(): void {
    this.controlled = true;
    for (const link of this.links.values()) link.tmux.useControl();
  }

  /** The URL of the remote a host's clone fetches, as the repo here knows it. */
  async remoteUrl(name: string): Promise<string> {
    const link = this.link(name);
    const url = await remoteUrl(this.config.repo, link.spec.remote);
    if (url === undefined)
      throw new CzarError(
        'no_remote',
        `The repo ${this.config.repo} has no remote "${link.spec.remote}" for host "${name}" to clone; add it with "git remote add ${link.spec.remote} <url>" or set remote: on the host in ${this.config.file}.`,
      );
    return url;
  }

  /**
   * Hands the terminal to the host's tmux session of a worker (`ssh -t <host> tmux -L czar-<project> attach -t
   * =<worker>`) until the person detaches; returns ssh's exit code.
   */
  async attach(name: string, session: string): Promise<number> {
    const link = this.link(name);
    await link.ssh.connect();
    const [file = 'ssh', ...args] = link.ssh.interactiveArgv([
      'tmux',
      '-u',
      '-L',
      this.config.tmuxSocket,
      'attach-session',
      '-t',
      exactSession(session),
    ]);
    return (await runInteractive(file, args, cleanEnv())) ?? 1;
  }

  /** Closes every master this process opened (the workers keep running on their hosts). */
  async close(): Promise<void> {
    for (const link of this.links.values()) link.tmux.dropControl();
    await Promise.all([...this.links.values()].map((link) => link.ssh.close()));
  }
}
