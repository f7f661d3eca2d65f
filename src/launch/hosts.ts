import path from 'node:path';
import { addHostWorktree, remoteUrl, syncHostClone, writeHostFile } from '../adapters/host-git.js';
import { SshConnection } from '../adapters/ssh.js';
import { cleanEnv } from '../adapters/process.js';
import { newProof, PROOF_VARIABLE, proofDigest } from '../adapters/worker-proof.js';
import { runInteractive } from '../adapters/terminal.js';
import { exactSession, Tmux, type PaneInfo } from '../adapters/tmux.js';
import { presetFor } from '../agents/index.js';
import { recordsEnv } from '../agents/usage-records.js';
import { CzarError } from '../domain/errors.js';
import { hostClonePath, hostProjectDir, hostStateDir, usedHosts, type HostSpec } from '../domain/host-layout.js';
import { launchRecordFile, logFile, proofFile, statePaths } from '../domain/paths.js';
import type { Config, WorkerSpec } from '../domain/config-types.js';
import type { Fleet } from './fleet.js';
import type { WorkerPlan } from './plan.js';
import type { HostLaunchRecord } from './host-usage.js';

/** One host as czar drives it: its multiplexed connection and its tmux server (`czar-<project>` there). */
export interface HostLink {
  readonly spec: HostSpec;
  readonly ssh: SshConnection;
  readonly tmux: Tmux;
}

/**
 * The fleet's hosts, each connection made once and shared by every worker on it. A host's clone is fetched before
 * each launch; launches on one host at the same moment share one fetch.
 */
export class HostLinks {
  private readonly links = new Map<string, HostLink>();
  private readonly syncing = new Map<string, Promise<void>>();

  constructor(private readonly config: Config) {}

  link(name: string): HostLink {
    const existing = this.links.get(name);
    if (existing !== undefined) return existing;
    const spec = this.config.hosts.find((host) => host.name === name);
    if (spec === undefined) throw new CzarError('unknown_host', `Host "${name}" is not in the hosts: of ${this.config.file}; add it there.`);
    const ssh = SshConnection.forHost(spec, this.config.stateDir);
    // -u: an ssh session often has no UTF-8 locale, and tmux then prints the field separator it is asked for as "_".
    const tmux = new Tmux(this.config.tmuxSocket, hostStateDir(spec, this.config.project), (args, options) => ssh.run(['tmux', '-u', ...args], options));
    const link = { spec, ssh, tmux };
    this.links.set(name, link);
    return link;
  }

  /** Clones the shared remote on the host the first time and fetches it otherwise. */
  sync(name: string): Promise<void> {
    const running = this.syncing.get(name);
    if (running !== undefined) return running;
    const link = this.link(name);
    const work = (async () => {
      const url = await remoteUrl(this.config.repo, link.spec.remote);
      if (url === undefined) throw new CzarError('no_remote', `The repo ${this.config.repo} has no remote "${link.spec.remote}" for host "${name}" to clone; add it with "git remote add ${link.spec.remote} <url>" or set remote: on the host in ${this.config.file}.`);
      await syncHostClone(link.ssh, url, hostClonePath(link.spec, this.config.project));
    })().finally(() => this.syncing.delete(name));
    this.syncing.set(name, work);
    return work;
  }

  /**
   * Hands the terminal to the host's tmux session of a worker (`ssh -t <host> tmux -L czar-<project> attach -t
   * =<worker>`) until the person detaches; returns ssh's exit code.
   */
  async attach(name: string, session: string): Promise<number> {
    const link = this.link(name);
    await link.ssh.connect();
    const [file = 'ssh', ...args] = link.ssh.interactiveArgv(['tmux', '-u', '-L', this.config.tmuxSocket, 'attach-session', '-t', exactSession(session)]);
    return (await runInteractive(file, args, cleanEnv())) ?? 1;
  }

  /** Closes every master this process opened (the workers keep running on their hosts). */
  async close(): Promise<void> {
    await Promise.all([...this.links.values()].map((link) => link.ssh.close()));
  }
}

/** The tmux server a worker runs on: this machine's, or its host's through ssh. */
export function tmuxFor(fleet: Fleet, worker: WorkerSpec): Tmux {
  return worker.host === undefined ? fleet.tmux : fleet.hosts.link(worker.host).tmux;
}

/**
 * Brings a worker's worktree and tmux session into being on its host, or adopts them, and returns its pane. The
 * same steps as on this machine, with the host's clone, state dir and tmux server; the agent finds `czar` on the
 * host's PATH (the same version, which `czar doctor` checks).
 */
export async function startOnHost(fleet: Fleet, step: WorkerPlan, host: string): Promise<string> {
  const { worker } = step;
  const { config } = fleet;
  const link = fleet.hosts.link(host);
  await fleet.hosts.sync(host);
  const made = await addHostWorktree(link.ssh, hostClonePath(link.spec, config.project), worker.worktree, worker.branch, config.base);
  if (made !== 'reused') {
    await fleet.log.emit('worktree_added', `worktree ${worker.worktree} on host "${host}" on ${worker.branch}${made === 'created' ? ` (new, from ${config.base})` : ' (existing branch)'}`, worker.name);
  }
  const paths = statePaths(hostStateDir(link.spec, config.project));
  const log = logFile(paths, worker.name);
  const adopted = await link.tmux.paneIdOf(worker.name);
  if (adopted !== undefined) {
    await link.tmux.pipePane(adopted, log);
    return adopted;
  }
  await link.ssh.run(['mkdir', '-p', '-m', '0700', '--', paths.root, paths.reports, paths.logs, paths.workers]);
  const preset = presetFor(worker.agent.preset);
  const setup = preset.setup({ worker: worker.name, settingsDir: path.posix.join(hostProjectDir(link.spec, config.project), 'agents', worker.name), czarCommand: ['czar'], worktree: worker.worktree });
  for (const file of setup.files) await writeHostFile(link.ssh, file.path, file.content);
  const proof = newProof();
  const env: Record<string, string> = {
    ...worker.agent.env,
    ...setup.env,
    ...worker.env,
    CZAR_PROJECT: config.project,
    CZAR_WORKER: worker.name,
    [PROOF_VARIABLE]: proof,
    CZAR_STATE_DIR: paths.root,
  };
  // czar report on the host accepts only a worker launched in that state dir: this record says so there. Its
  // preset and record variables tell the host's czar watch where the agent keeps its usage records.
  const record: HostLaunchRecord = { worker: worker.name, branch: worker.branch, worktree: worker.worktree, agent: worker.agent.name, launchedAt: new Date().toISOString(), preset: worker.agent.preset, recordsEnv: recordsEnv(env) };
  await writeHostFile(link.ssh, launchRecordFile(paths, worker.name), `${JSON.stringify(record)}\n`);
  await writeHostFile(link.ssh, proofFile(paths, worker.name), `${proofDigest(worker.name, proof)}\n`);
  const paneId = await link.tmux.newSession({ name: worker.name, cwd: worker.worktree, argv: [worker.agent.command, ...worker.agent.args, ...setup.args], env, logFile: log });
  await fleet.log.emit('session_started', `started ${worker.agent.name} in tmux session "${worker.name}" on host "${host}" (${paneId})`, worker.name);
  return paneId;
}

/**
 * Every worker's pane by session name, from this machine's tmux and each host's (through its master). A host that
 * cannot be asked is listed in `unknown`: its workers' panes are not known, which is not the same as gone. So is
 * this machine's server when it is gone (`localGone`): the czar runs in it, so it is going down with it.
 */
export async function fleetPanes(fleet: Fleet, unreachable: ReadonlySet<string>): Promise<{ panes: Map<string, PaneInfo>; unknown: Set<string>; localGone: boolean }> {
  const local = await fleet.tmux.panes();
  const panes = new Map((local ?? []).map((pane) => [pane.session, pane]));
  for (const worker of fleet.config.workers) if (worker.host !== undefined) panes.delete(worker.name);
  const unknown = new Set<string>();
  await Promise.all(usedHosts(fleet.config.workers).map(async (host) => {
    if (unreachable.has(host)) {
      unknown.add(host);
      return;
    }
    try {
      const own = new Set(fleet.config.workers.filter((worker) => worker.host === host).map((worker) => worker.name));
      // Only the host's own workers count: a session there cannot stand in for a worker of this machine or another host.
      for (const pane of await fleet.hosts.link(host).tmux.listPanes()) if (own.has(pane.session)) panes.set(pane.session, pane);
    } catch {
      unknown.add(host);
    }
  }));
  return { panes, unknown, localGone: local === undefined };
}
