import path from 'node:path';
import { czarVersion } from '../adapters/package-files.js';
import { jsonIn } from '../adapters/state-files.js';
import type { NewSessionOptions } from '../adapters/tmux-words.js';
import { newProof, PROOF_VARIABLE, proofDigest } from '../adapters/worker-proof.js';
import { presetOf } from '../agents/index.js';
import { transcriptsEnv } from '../agents/transcripts.js';
import { CzarError } from '../domain/model/errors.js';
import { neutraliseControls } from '../domain/model/sanitize.js';
import { agentMode, withMode } from '../domain/model/box.js';
import { hostClonePath, hostProjectDir, hostStateDir } from '../domain/model/host-layout.js';
import { hostPrepareAnswerSchema, type HostPrepareSpec, type HostWorkerSpec } from '../domain/model/host-prepare.js';
import { launchRecordFile, logFile, proofFile, statePaths } from '../domain/model/paths.js';
import type { Fleet } from '../fleet/handle.js';
import type { HostLaunchRecord } from '../fleet/launch-records.js';
import { refusedHere } from './judged-here.js';
import type { WorkerPlan } from './plan.js';

type HostSession = NewSessionOptions & { readonly env: Readonly<Record<string, string>>; readonly logFile: string };

/** A host worker made ready for its agent: its worktree, and the session to start (or the one running, adopted). */
export interface HostPrepared {
  readonly worktree: 'reused' | 'checked-out' | 'created';
  readonly running: boolean;
  readonly session: HostSession;
}

/**
 * Prepares the host workers among `steps` for their agents: per host, one `czar host-prepare` there fetches its clone
 * of the shared remote and makes all its workers' worktrees and files. Each worker's promise resolves with what was
 * made for it or fails with why not, on its own.
 */
export function prepareOnHosts(fleet: Fleet, steps: readonly WorkerPlan[]): Map<WorkerPlan, Promise<HostPrepared>> {
  const byHost = new Map<string, WorkerPlan[]>();
  for (const step of steps) {
    const { host } = step.worker;
    if (host !== undefined) byHost.set(host, [...(byHost.get(host) ?? []), step]);
  }
  const ready = new Map<WorkerPlan, Promise<HostPrepared>>();
  for (const [host, hostSteps] of byHost) {
    const made = prepareOnHost(fleet, hostSteps, host);
    for (const step of hostSteps) ready.set(step, preparedWorker(made, step, host));
  }
  return ready;
}

/** One host worker prepared on its own (a restart, a launch outside a wave). */
export function prepareOneOnHost(fleet: Fleet, step: WorkerPlan, host: string): Promise<HostPrepared> {
  return preparedWorker(prepareOnHost(fleet, [step], host), step, host);
}

/** One worker's part of its host's answer: what was made for it, or a rejection with why not. */
function preparedWorker(
  made: Promise<Map<string, HostPrepared | CzarError>>,
  step: WorkerPlan,
  host: string,
): Promise<HostPrepared> {
  const prepared = made.then((answers) => {
    const answer = answers.get(step.worker.name);
    if (answer === undefined || answer instanceof CzarError) throw answer ?? noAnswer(host, step.worker.name);
    return answer;
  });
  // Its worker's launch waits for it and fails with its error; none may go unhandled meanwhile.
  prepared.catch(() => undefined);
  return prepared;
}

/**
 * Fetches one host's clone and makes the worktrees and private files of these workers of it in one `czar
 * host-prepare` there, and resolves, per worker name, what was made or why not. The same steps as on this machine,
 * with the host's clone and state dir (the agent finds `czar` on the host's PATH too: the same version, which `czar
 * doctor` checks).
 */
async function prepareOnHost(
  fleet: Fleet,
  steps: readonly WorkerPlan[],
  host: string,
): Promise<Map<string, HostPrepared | CzarError>> {
  const link = fleet.hosts.link(host);
  // Their checks run here: one this machine cannot box as it asks is refused before anything is made there.
  const refused = await refusedHere(fleet, steps);
  const allowed = steps.filter((step) => !refused.has(step.worker.name));
  const launches = new Map(allowed.map((step) => [step.worker.name, hostLaunch(fleet, step, host)]));
  if (launches.size === 0) return refused;
  const spec = prepareSpec(fleet, host, await fleet.hosts.remoteUrl(host), launches);
  const result = await link.ssh.run(['czar', 'host-prepare'], { input: JSON.stringify(spec), allowFailure: true });
  const answer = hostPrepareAnswerSchema.safeParse(lastJsonLine(result.stdout));
  const all = (refusal: (worker: string) => CzarError): Map<string, CzarError> =>
    new Map(steps.map((step) => [step.worker.name, refused.get(step.worker.name) ?? refusal(step.worker.name)]));
  if (!answer.success) {
    const reason = (result.stderr.trim() || result.stdout.trim()).split('\n')[0] ?? '';
    return all(
      (worker) =>
        new CzarError(
          'host_prepare_failed',
          `"czar host-prepare" on host "${host}" did not start ${worker} (exit ${result.exitCode}${reason === '' ? '' : `: ${reason}`}); install czar ${czarVersion()} there, the version of this machine ("czar doctor" checks it).`,
        ),
    );
  }
  if (answer.data.version !== czarVersion()) {
    const version = neutraliseControls(answer.data.version);
    return all(
      (worker) =>
        new CzarError(
          'host_czar_version',
          `host "${host}" runs czar ${version} but this is czar ${czarVersion()}, so ${worker} was not started there; run "ssh ${link.spec.destination} npm install -g czar@${czarVersion()}" and launch again.`,
        ),
    );
  }
  if ('error' in answer.data) {
    const { code, message } = answer.data.error;
    return all(() => new CzarError(code, neutraliseControls(message)));
  }
  const { path: hostPath, workers } = answer.data;
  const prepared = new Map<string, HostPrepared | CzarError>(refused);
  for (const [name, { session }] of launches) {
    const made = workers.find((worker) => worker.session === name);
    if (made === undefined) prepared.set(name, noAnswer(host, name));
    else if ('error' in made)
      prepared.set(name, new CzarError(made.error.code, neutraliseControls(made.error.message)));
    // The PATH a tmux client started there would give the agent, sent with the session: it goes down the control
    // client, whose own PATH a new pane would not get.
    else
      prepared.set(name, {
        worktree: made.worktree,
        running: made.running,
        session: {
          ...session,
          ...(made.box?.kind === 'boxed' ? { argv: made.box.argv } : {}),
          env: { ...(hostPath === '' ? {} : { PATH: hostPath }), ...session.env },
        },
      });
  }
  const unboxed = workers.flatMap((worker) =>
    'box' in worker && worker.box?.kind === 'unboxed' ? [worker.box.why] : [],
  );
  if (unboxed[0] !== undefined)
    await fleet.log.emit(
      'sandbox_unavailable',
      `workers with sandbox: on run unboxed on host "${host}": ${neutraliseControls(unboxed[0])}`,
    );
  return prepared;
}

function noAnswer(host: string, worker: string): CzarError {
  return new CzarError('host_prepare_failed', `host "${host}" did not answer for ${worker}; launch again.`);
}

/**
 * Starts a prepared host worker's agent in its tmux session there through the host's tmux (or adopts the session
 * running there) and returns its pane.
 */
export async function startOnHost(
  fleet: Fleet,
  step: WorkerPlan,
  host: string,
  prepared: HostPrepared,
): Promise<string> {
  const { worker } = step;
  const { tmux } = fleet.hosts.link(host);
  if (prepared.worktree !== 'reused') {
    await fleet.log.emit(
      'worktree_added',
      `worktree ${worker.worktree} on host "${host}" on ${worker.branch}${prepared.worktree === 'created' ? ` (new, from ${fleet.config.base})` : ' (existing branch)'}`,
      worker.name,
    );
  }
  const adopted = prepared.running ? await tmux.paneIdOf(worker.name) : undefined;
  if (adopted !== undefined) {
    await tmux.pipePane(adopted, prepared.session.logFile);
    return adopted;
  }
  if (prepared.running)
    throw new CzarError(
      'host_session_gone',
      `The tmux session of ${worker.name} on host "${host}" ended while its launch looked at it, and its files were kept for it; launch again.`,
    );
  const paneId = await tmux.newSession(prepared.session);
  await fleet.log.emit(
    'session_started',
    `started ${worker.agent.name} in tmux session "${worker.name}" on host "${host}" (${paneId})`,
    worker.name,
  );
  return paneId;
}

/** What the host makes for these workers: the same worktrees and files as a launch here. */
function prepareSpec(
  fleet: Fleet,
  host: string,
  url: string,
  launches: ReadonlyMap<string, HostLaunch>,
): HostPrepareSpec {
  const { config } = fleet;
  const link = fleet.hosts.link(host);
  const paths = statePaths(hostStateDir(link.spec, config.project));
  return {
    version: czarVersion(),
    host,
    remote: link.spec.remote,
    url,
    clone: hostClonePath(link.spec, config.project),
    base: config.base,
    stateDir: paths.root,
    socket: config.tmuxSocket,
    folders: [paths.root, paths.reports, paths.logs, paths.workers, path.posix.join(paths.root, 'doors')],
    workers: [...launches.values()].map((launch) => launch.worker),
  };
}

/** One worker's launch on a host: what the host makes for it, and its session. */
interface HostLaunch {
  readonly worker: HostWorkerSpec;
  readonly session: HostSession;
}

/**
 * The worker's worktree, its agent's settings, its launch record and the digest of its proof, and its session: its
 * agent, in its worktree there, with the environment a launch here gives it.
 */
function hostLaunch(fleet: Fleet, step: WorkerPlan, host: string): HostLaunch {
  const { worker } = step;
  const { config } = fleet;
  const link = fleet.hosts.link(host);
  const paths = statePaths(hostStateDir(link.spec, config.project));
  const projectDir = hostProjectDir(link.spec, config.project);
  const settingsDir = path.posix.join(projectDir, 'agents', worker.name);
  const preset = presetOf(worker.agent);
  const setup = preset.setup({
    worker: worker.name,
    settingsDir,
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
    recordsEnv: transcriptsEnv(env),
  };
  const argv = [worker.agent.command, ...worker.agent.args, ...setup.args];
  // What the agent runs should its host box it: in its no-approval mode unless `prompts: keep`.
  const mode = agentMode(worker, { kind: 'boxed' }, preset.noApproval).mode;
  const sandbox = worker.sandbox;
  const box =
    sandbox === undefined || sandbox.mode === 'off'
      ? undefined
      : {
          mode: sandbox.mode,
          preset: worker.agent.preset,
          argv: mode === undefined ? argv : withMode(argv, mode),
          // HOME as the agent gets it: the private home is mounted there.
          env: { ...mode?.env, ...(env.HOME === undefined ? {} : { HOME: env.HOME }) },
          agentDir: settingsDir,
          home: path.posix.join(projectDir, 'homes', worker.name),
          hidden: ['workers', 'agents', 'homes'].map((folder) => path.posix.join(projectDir, folder)),
          // What its network door opens, as an unboxed agent there would reach it (never its proof).
          endpoints: [...Object.values(env), ...argv].filter((text) => /https?:\/\//i.test(text)),
        };
  return {
    worker: {
      session: worker.name,
      worktree: worker.worktree,
      branch: worker.branch,
      files: [
        ...setup.files.map((file) => ({ path: file.path, content: file.content })),
        { path: launchRecordFile(paths, worker.name), content: `${JSON.stringify(record)}\n` },
        { path: proofFile(paths, worker.name), content: `${proofDigest(worker.name, proof)}\n` },
      ],
      ...(box === undefined ? {} : { box }),
    },
    session: {
      name: worker.name,
      cwd: worker.worktree,
      argv,
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
