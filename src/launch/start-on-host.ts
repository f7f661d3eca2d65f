import path from 'node:path';
import { addHostWorktree, writeHostFile } from '../adapters/host-git.js';
import { newProof, PROOF_VARIABLE, proofDigest } from '../adapters/worker-proof.js';
import { presetOf } from '../agents/index.js';
import { recordsEnv } from '../agents/usage-records.js';
import { hostClonePath, hostProjectDir, hostStateDir } from '../domain/host-layout.js';
import { launchRecordFile, logFile, proofFile, statePaths } from '../domain/paths.js';
import type { Fleet } from '../fleet/handle.js';
import type { HostLaunchRecord } from '../fleet/records.js';
import type { WorkerPlan } from './plan.js';

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
  const made = await addHostWorktree(
    link.ssh,
    hostClonePath(link.spec, config.project),
    worker.worktree,
    worker.branch,
    config.base,
  );
  if (made !== 'reused') {
    await fleet.log.emit(
      'worktree_added',
      `worktree ${worker.worktree} on host "${host}" on ${worker.branch}${made === 'created' ? ` (new, from ${config.base})` : ' (existing branch)'}`,
      worker.name,
    );
  }
  const paths = statePaths(hostStateDir(link.spec, config.project));
  const log = logFile(paths, worker.name);
  const adopted = await link.tmux.paneIdOf(worker.name);
  if (adopted !== undefined) {
    await link.tmux.pipePane(adopted, log);
    return adopted;
  }
  await link.ssh.run(['mkdir', '-p', '-m', '0700', '--', paths.root, paths.reports, paths.logs, paths.workers]);
  const preset = presetOf(worker.agent);
  const setup = preset.setup({
    worker: worker.name,
    settingsDir: path.posix.join(hostProjectDir(link.spec, config.project), 'agents', worker.name),
    czarCommand: ['czar'],
    worktree: worker.worktree,
  });
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
  const record: HostLaunchRecord = {
    worker: worker.name,
    branch: worker.branch,
    worktree: worker.worktree,
    agent: worker.agent.name,
    launchedAt: new Date().toISOString(),
    preset: worker.agent.preset,
    recordsEnv: recordsEnv(env),
  };
  await writeHostFile(link.ssh, launchRecordFile(paths, worker.name), `${JSON.stringify(record)}\n`);
  await writeHostFile(link.ssh, proofFile(paths, worker.name), `${proofDigest(worker.name, proof)}\n`);
  const paneId = await link.tmux.newSession({
    name: worker.name,
    cwd: worker.worktree,
    argv: [worker.agent.command, ...worker.agent.args, ...setup.args],
    env,
    logFile: log,
  });
  await fleet.log.emit(
    'session_started',
    `started ${worker.agent.name} in tmux session "${worker.name}" on host "${host}" (${paneId})`,
    worker.name,
  );
  return paneId;
}
