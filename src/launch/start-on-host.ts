import path from 'node:path';
import { czarVersion } from '../adapters/package-files.js';
import { jsonIn } from '../adapters/state-files.js';
import { newProof, PROOF_VARIABLE, proofDigest } from '../adapters/worker-proof.js';
import { presetOf } from '../agents/index.js';
import { recordsEnv } from '../agents/usage-records.js';
import { CzarError } from '../domain/errors.js';
import { neutraliseControls } from '../domain/sanitize.js';
import { hostClonePath, hostProjectDir, hostStateDir } from '../domain/host-layout.js';
import { hostStartAnswerSchema, type HostStartSpec } from '../domain/host-start.js';
import { launchRecordFile, logFile, proofFile, statePaths } from '../domain/paths.js';
import type { Fleet } from '../fleet/handle.js';
import type { HostLaunchRecord } from '../fleet/records.js';
import type { WorkerPlan } from './plan.js';

/**
 * Brings a worker's worktree and tmux session into being on its host (its clone already fetched), or adopts them,
 * and returns its pane. The same steps as on this machine, with the host's clone, state dir and tmux server, done
 * there by one `czar host-start` (the agent finds `czar` on the host's PATH too: the same version, which `czar
 * doctor` checks).
 */
export async function startOnHost(fleet: Fleet, step: WorkerPlan, host: string): Promise<string> {
  const { worker } = step;
  const link = fleet.hosts.link(host);
  const spec = hostStartSpec(fleet, step, host);
  const result = await link.ssh.run(['czar', 'host-start'], { input: JSON.stringify(spec), allowFailure: true });
  const answer = hostStartAnswerSchema.safeParse(lastJsonLine(result.stdout));
  if (!answer.success) {
    const reason = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
    throw new CzarError(
      'host_start_failed',
      `"czar host-start" on host "${host}" did not start ${worker.name} (exit ${result.exitCode}${reason === '' ? '' : `: ${reason}`}); install czar ${czarVersion()} there, the version of this machine ("czar doctor" checks it).`,
    );
  }
  if (answer.data.version !== czarVersion()) {
    throw new CzarError(
      'host_czar_version',
      `host "${host}" runs czar ${neutraliseControls(answer.data.version)} but this is czar ${czarVersion()}, so ${worker.name} was not started there; run "ssh ${link.spec.destination} npm install -g czar@${czarVersion()}" and launch again.`,
    );
  }
  if ('error' in answer.data)
    throw new CzarError(answer.data.error.code, neutraliseControls(answer.data.error.message));
  const { worktree, paneId, adopted } = answer.data;
  if (worktree !== 'reused') {
    await fleet.log.emit(
      'worktree_added',
      `worktree ${worker.worktree} on host "${host}" on ${worker.branch}${worktree === 'created' ? ` (new, from ${fleet.config.base})` : ' (existing branch)'}`,
      worker.name,
    );
  }
  if (!adopted) {
    await fleet.log.emit(
      'session_started',
      `started ${worker.agent.name} in tmux session "${worker.name}" on host "${host}" (${paneId})`,
      worker.name,
    );
  }
  return paneId;
}

/** What the host makes for this worker: the same worktree, files, environment and session as a launch here. */
function hostStartSpec(fleet: Fleet, step: WorkerPlan, host: string): HostStartSpec {
  const { worker } = step;
  const { config } = fleet;
  const link = fleet.hosts.link(host);
  const paths = statePaths(hostStateDir(link.spec, config.project));
  const preset = presetOf(worker.agent);
  const setup = preset.setup({
    worker: worker.name,
    settingsDir: path.posix.join(hostProjectDir(link.spec, config.project), 'agents', worker.name),
    czarCommand: ['czar'],
    worktree: worker.worktree,
  });
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
  const record: HostLaunchRecord = {
    worker: worker.name,
    branch: worker.branch,
    worktree: worker.worktree,
    agent: worker.agent.name,
    launchedAt: new Date().toISOString(),
    preset: worker.agent.preset,
    recordsEnv: recordsEnv(env),
  };
  return {
    version: czarVersion(),
    host,
    remote: link.spec.remote,
    clone: hostClonePath(link.spec, config.project),
    worktree: worker.worktree,
    branch: worker.branch,
    base: config.base,
    socket: config.tmuxSocket,
    stateDir: paths.root,
    folders: [paths.root, paths.reports, paths.logs, paths.workers],
    files: [
      ...setup.files.map((file) => ({ path: file.path, content: file.content })),
      { path: launchRecordFile(paths, worker.name), content: `${JSON.stringify(record)}\n` },
      { path: proofFile(paths, worker.name), content: `${proofDigest(worker.name, proof)}\n` },
    ],
    session: {
      name: worker.name,
      cwd: worker.worktree,
      argv: [worker.agent.command, ...worker.agent.args, ...setup.args],
      env,
      logFile: logFile(paths, worker.name),
    },
  };
}

/** The last line of the host's stdout that is JSON (a login banner or a shell's greeting may come first). */
function lastJsonLine(stdout: string): unknown {
  return stdout
    .trim()
    .split('\n')
    .reverse()
    .map((line) => jsonIn<unknown>(line))
    .find((value) => value !== undefined);
}
