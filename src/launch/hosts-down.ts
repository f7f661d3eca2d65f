import { CzarError } from '../domain/model/errors.js';
import { hostStateDir, usedHosts } from '../domain/model/host-layout.js';
import type { Fleet } from '../fleet/handle.js';

/** What `czar down` did on one host. */
export type HostStopOutcome =
  | { readonly host: string; readonly stopped: true; readonly sessions: number }
  | { readonly host: string; readonly stopped: false; readonly error: CzarError };

/**
 * Stops what the fleet runs on each of its hosts, as `czar down` stops this machine's: the host's tmux server (its
 * workers), its network door where a worker there is boxed, and this machine's ControlMaster to it. The `czar watch --stream` there needs no stopping: it ends with its
 * ssh session, which went with the czar (measured: none is left, even on a host whose link was cut meanwhile). A host
 * that cannot be reached is left exactly as it is and said.
 */
export async function stopHosts(fleet: Fleet): Promise<HostStopOutcome[]> {
  const { config } = fleet;
  return Promise.all(
    usedHosts(config.workers).map(async (host): Promise<HostStopOutcome> => {
      const link = fleet.hosts.link(host);
      try {
        const sessions = await link.tmux.listSessions();
        await link.tmux.killServer();
        const boxed = config.workers.some(
          (worker) => worker.host === host && (worker.sandbox?.mode ?? 'off') !== 'off',
        );
        if (boxed)
          await link.ssh.run(['czar', 'box-door', '--stop', hostStateDir(link.spec, config.project)], {
            allowFailure: true,
          });
        return { host, stopped: true, sessions: sessions.length };
      } catch (error) {
        const workers = config.workers.filter((worker) => worker.host === host).map((worker) => worker.name);
        const stop = `ssh ${link.spec.destination} tmux -L ${config.tmuxSocket} kill-server`;
        const reason = error instanceof Error ? error.message : String(error);
        const message = `Host "${host}" (${link.spec.destination}) could not be reached to stop it (${hostReason(reason)}); its workers (${workers.join(', ')}) still run there: run "czar down" again once it is reachable, or "${stop}".`;
        return { host, stopped: false, error: new CzarError('host_not_stopped', message, { cause: error }) };
      } finally {
        await link.ssh.close();
      }
    }),
  );
}

/** The error of the hosts `czar down` could not stop: one sentence per host, the first as the message. */
export function hostsNotStoppedError(outcomes: readonly HostStopOutcome[]): CzarError | undefined {
  const sentences = outcomes.flatMap((outcome) => (outcome.stopped ? [] : [outcome.error.message]));
  const [first, ...rest] = sentences;
  return first === undefined ? undefined : new CzarError('host_not_stopped', first, { details: rest });
}

/** ssh's own words inside czar's sentence about the host ("Connection timed out"), without the advice around them. */
function hostReason(message: string): string {
  const said = /is unreachable: (.*?); check that/.exec(message)?.[1] ?? message.replace(/\.$/, '');
  return said.length > 200 ? `${said.slice(0, 200)}…` : said;
}
