import { remoteUrl } from '../../adapters/host-git.js';
import { czarVersion } from '../../adapters/package-files.js';
import { SshConnection } from '../../adapters/ssh.js';
import { isCzarError } from '../../domain/model/errors.js';
import type { HostSpec } from '../../domain/model/host-layout.js';
import * as z from 'zod';
import { jsonIn } from '../../adapters/state-files.js';
import { doorBoxVerdict, type BoxEngine } from '../../domain/model/box.js';
import type { Config } from '../../domain/model/config-types.js';
import { visible } from '../../domain/model/sanitize.js';
import { judgeGit, judgeTmux, type Check } from './doctor-checks.js';

/** A remote command that hangs (a host asking for something) must not hang doctor. */
const CHECK_TIMEOUT_MS = 20_000;

/** Each host's checks, hosts in parallel: ssh, tmux, git, czar's version, and the shared remote seen from there. */
export async function checkHosts(config: Config): Promise<Check[]> {
  const perHost = await Promise.all(config.hosts.map((host) => checkHost(config, host)));
  return perHost.flat();
}

async function checkHost(config: Config, host: HostSpec): Promise<Check[]> {
  const ssh = SshConnection.forHost(host, config.stateDir);
  const label = `host "${host.name}"`;
  const remote = async (argv: readonly string[]) => ssh.run(argv, { allowFailure: true, timeoutMs: CHECK_TIMEOUT_MS });
  try {
    await ssh.run(['true'], { timeoutMs: CHECK_TIMEOUT_MS });
  } catch (error) {
    if (!isCzarError(error)) throw error;
    return [{ ok: false, line: `${label}: ${error.message}` }];
  }
  const checks: Check[] = [{ ok: true, line: `${label}: ssh ${host.destination} works` }];
  const [tmux, git, czar, engine] = await Promise.all([
    remote(['tmux', '-V']),
    remote(['git', '--version']),
    remote(['czar', '--version']),
    remote(['czar', 'box-engine']),
  ]);
  checks.push(
    tmux.exitCode === 0
      ? prefixed(label, judgeTmux(tmux.stdout.trim()))
      : {
          ok: false,
          line: `${label}: tmux is not installed there; install tmux 3.2 or newer on it (apt-get install tmux)`,
        },
  );
  checks.push(
    git.exitCode === 0
      ? prefixed(label, judgeGit(git.stdout.trim()))
      : {
          ok: false,
          line: `${label}: git is not installed there; install git 2.38 or newer on it (apt-get install git)`,
        },
  );
  checks.push(czarCheck(label, host, czar.exitCode === 0 ? czar.stdout.trim() : undefined));
  checks.push(await remoteCheck(config, host, label, remote));
  checks.push(engineCheck(config, host, label, engine.exitCode === 0 ? engine.stdout : ''));
  return checks;
}

/**
 * The host's sandbox engine, as its own czar found it (a trial box ran there), and whether socat is there (a boxed
 * worker's network door needs it): its version, or why there is none, which fails only when a worker on the host has
 * `sandbox: required`.
 */
function engineCheck(config: Config, host: HostSpec, label: string, stdout: string): Check {
  const parsed = boxEngineSchema.safeParse(jsonIn<unknown>(stdout.trim().split('\n').at(-1) ?? ''));
  const engine: BoxEngine = parsed.success
    ? parsed.data
    : { kind: 'none', reason: 'its czar did not say (czar box-engine failed there)' };
  const required = config.workers.filter((worker) => worker.host === host.name && worker.sandbox?.mode === 'required');
  const refused = required
    .map((worker) => doorBoxVerdict(worker, engine, `host "${host.name}"`))
    .find((verdict) => verdict.kind === 'refused');
  if (refused !== undefined) return { ok: false, line: `host "${host.name}": box engine: ${refused.why}` };
  if (engine.kind === 'bwrap') {
    const socat =
      engine.socat === undefined
        ? 'socat: not installed (apt-get install socat); a worker with sandbox: on runs unboxed there'
        : `socat at ${visible(engine.socat)}`;
    return { ok: true, line: `${label}: box engine: ${visible(engine.version)} at ${visible(engine.path)}, ${socat}` };
  }
  return {
    ok: true,
    line: `${label}: box engine: none (${visible(engine.reason)}); a worker with sandbox: on runs unboxed there`,
  };
}

const boxEngineSchema = z.union([
  z.object({
    kind: z.literal('bwrap'),
    path: z.string().max(4096),
    version: z.string().max(200),
    socat: z.string().max(4096).optional(),
  }),
  z.object({ kind: z.literal('none'), reason: z.string().max(2000) }),
]);

function prefixed(label: string, check: Check): Check {
  return { ok: check.ok, line: `${label}: ${check.line}` };
}

/** The host's czar must be this czar's version: both ends speak the watch stream and the status files. */
export function czarCheck(label: string, host: HostSpec, remoteVersion: string | undefined): Check {
  const local = czarVersion();
  const fix = `ssh ${host.destination} npm install -g czar@${local}`;
  if (remoteVersion === undefined)
    return { ok: false, line: `${label}: czar is not on PATH there; install the same version as here with "${fix}"` };
  if (remoteVersion !== local)
    return {
      ok: false,
      line: `${label}: czar ${remoteVersion} is installed there but this is czar ${local}; run "${fix}"`,
    };
  return { ok: true, line: `${label}: czar ${remoteVersion}` };
}

async function remoteCheck(
  config: Config,
  host: HostSpec,
  label: string,
  remote: (argv: readonly string[]) => Promise<{ exitCode: number; stderr: string }>,
): Promise<Check> {
  const url = await remoteUrl(config.repo, host.remote);
  if (url === undefined) {
    return {
      ok: false,
      line: `${label}: the repo ${config.repo} has no remote "${host.remote}" for the host to clone; add one with "git remote add ${host.remote} <url>" or set remote: on the host in ${config.file}`,
    };
  }
  const listed = await remote(['git', 'ls-remote', '--heads', '--', url]);
  if (listed.exitCode === 0) return { ok: true, line: `${label}: reaches remote "${host.remote}" (${url})` };
  const reason = listed.stderr.trim().split('\n')[0] ?? '';
  return {
    ok: false,
    line: `${label}: cannot reach remote "${host.remote}" (${url})${reason === '' ? '' : `: ${reason}`}; give the host read and push access to it (a deploy key there) or set remote: to a URL it can reach`,
  };
}
