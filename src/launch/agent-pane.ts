import path from 'node:path';
import { makeFolder, writeTextFile } from '../adapters/file-system.js';
import { CZAR_BIN_DIR, czarHookCommand } from '../adapters/package-files.js';
import { notePaneRespawned } from '../adapters/pane-log.js';
import { ownershipChain, privateAgentDir, userCacheDir } from '../adapters/private-files.js';
import { newProof, PROOF_VARIABLE, proofDigest, saveProofDigest } from '../adapters/worker-proof.js';
import { geminiSkipFix, geminiSkipIsFixable, geminiSkipReason } from '../agents/gemini/settings.js';
import { presetOf } from '../agents/index.js';
import type { AgentSetup } from '../agents/preset.js';
import { agentPath } from '../domain/model/agent-env.js';
import { CzarError } from '../domain/model/errors.js';
import { logFile } from '../domain/model/paths.js';
import { localPlaceOf } from './places.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import type { Fleet } from '../fleet/handle.js';

/** The PATH a worker's agent runs with: czar's bin folder first, then the config's PATH or the person's. */
export function agentPathOf(worker: WorkerSpec): string {
  return agentPath(CZAR_BIN_DIR, { worker: worker.env, agent: worker.agent.env }, process.env.PATH);
}

/**
 * The one place an agent's process is started, in a new session or again in its pane. tmux falls back to the
 * server's folder when `-c` names a folder that is gone, which put agents in the person's main checkout; so the
 * worker's place checks its folder first: it exists, it is the worker's own, and it is on the worker's branch.
 */
export async function startAgentPane(
  fleet: Fleet,
  worker: WorkerSpec,
  pane?: { readonly paneId: string },
  options: { readonly worktreeJustMade?: boolean; readonly conversation?: string | undefined } = {},
): Promise<string> {
  const place = localPlaceOf(worker);
  if (options.worktreeJustMade !== true) await place.verify(fleet, worker);
  const { argv, env } = await place.program(fleet, worker, await agentLaunchSpec(fleet, worker, options.conversation));
  if (pane !== undefined) {
    // Marked before the respawn: whatever the log says after this is the new program's.
    await notePaneRespawned(logFile(fleet.paths, worker.name));
    await fleet.tmux.respawnPane(pane.paneId, worker.worktree, argv, env, logFile(fleet.paths, worker.name));
    return pane.paneId;
  }
  return fleet.tmux.newSession({
    name: worker.name,
    cwd: worker.worktree,
    argv,
    env,
    logFile: logFile(fleet.paths, worker.name),
  });
}

/**
 * The argv and environment of a worker's agent, after writing any settings files its preset needs (hooks); refuses
 * an agent that would skip them without a word. `conversation` is one of its own to continue (see `restartStart`).
 */
export async function agentLaunchSpec(
  fleet: Fleet,
  worker: WorkerSpec,
  conversation?: string,
): Promise<{ argv: string[]; env: Record<string, string> }> {
  const setup = await agentSetup(fleet, worker);
  const problem = await settingsProblem(worker, setup);
  if (problem?.blocking === true) throw new CzarError('agent_settings_skipped', problem.message);
  if (problem !== undefined) await fleet.log.emit('agent_settings_skipped', problem.message, worker.name);
  for (const file of setup.files) {
    await makeFolder(path.dirname(file.path), 0o700);
    await writeTextFile(file.path, file.content, 0o600);
  }
  // Each start gets a proof of its own: a respawned agent's reports count, its predecessor's would not.
  const proof = newProof();
  await saveProofDigest(fleet.paths, worker.name, proofDigest(worker.name, proof));
  const env: Record<string, string> = {
    ...worker.agent.env,
    ...setup.env,
    ...worker.env,
    CZAR_PROJECT: fleet.config.project,
    CZAR_WORKER: worker.name,
    [PROOF_VARIABLE]: proof,
    CZAR_STATE_DIR: fleet.paths.root,
    CZAR_CONFIG: fleet.config.file,
    PATH: agentPathOf(worker),
  };
  const resume = conversation === undefined ? [] : (presetOf(worker.agent).resume?.args(conversation) ?? []);
  return { argv: [worker.agent.command, ...worker.agent.args, ...setup.args, ...resume], env };
}

/** A worker's agent setup, with its files in the worker's private folder (not yet written). */
async function agentSetup(fleet: Fleet, worker: WorkerSpec): Promise<AgentSetup> {
  const settingsDir = await privateAgentDir(fleet.config.project, fleet.paths.root, worker.name);
  return presetOf(worker.agent).setup({
    worker: worker.name,
    settingsDir,
    czarCommand: czarHookCommand(),
    worktree: worker.worktree,
    cacheDir: userCacheDir(),
  });
}

/** Why an agent would skip czar's hook settings, as one sentence with the fix, and whether `czar up` refuses on it. */
export interface SettingsProblem {
  readonly message: string;
  /**
   * A folder others can write is the person's to fix, so `up` refuses until it is. Folders not owned by root are
   * not (Gemini reads hooks only from root's): `up` goes on, says so, and czar reads that worker from its screen
   * and its own `czar report` calls.
   */
  readonly blocking: boolean;
}

/** Why the agent would skip czar's hook settings without a word (Gemini CLI's folder check); `czar doctor` shows it. */
export async function agentSettingsProblem(fleet: Fleet, worker: WorkerSpec): Promise<SettingsProblem | undefined> {
  return settingsProblem(worker, await agentSetup(fleet, worker));
}

async function settingsProblem(worker: WorkerSpec, setup: AgentSetup): Promise<SettingsProblem | undefined> {
  for (const file of setup.rootOwnedFiles ?? []) {
    const skip = geminiSkipReason(await ownershipChain(file));
    if (skip !== undefined) {
      const blocking = geminiSkipIsFixable(skip);
      const consequence = blocking
        ? 'czar would not see its turns'
        : 'czar follows that worker by its screen and its own czar report calls only';
      return {
        blocking,
        message: `Gemini CLI would skip its hook settings ${file} for worker "${worker.name}" because ${skip.path} ${skip.reason}, so ${consequence}; ${geminiSkipFix(skip)}.`,
      };
    }
  }
  return undefined;
}
