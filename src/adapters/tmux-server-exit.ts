import { awaitExit, exitsWithin, type RunResult } from './process.js';
import { processName } from './process-table.js';

/** A local tmux server as it was just before it was told to exit: its pid and its control clients' pids. */
export interface ServerProcesses {
  readonly server: number;
  readonly controlClients: readonly number[];
}

/** How long a server gets to end on its own after `kill-server`, and then again once its clients are killed. */
const SERVER_EXIT_MS = 1000;

/** Asks a running server for its pid and its control clients' pids; undefined when no server answers. */
export async function serverProcesses(server: {
  chain(commands: readonly (readonly string[])[], options: { allowFailure: boolean }): Promise<RunResult>;
}): Promise<ServerProcesses | undefined> {
  const { stdout } = await server.chain(
    [
      ['list-clients', '-F', 'client#{client_control_mode} #{client_pid}'],
      ['display-message', '-p', 'server #{pid}'],
    ],
    { allowFailure: true },
  );
  const pids = (kind: string): number[] =>
    stdout.split('\n').flatMap((line) => (line.startsWith(`${kind} `) ? [Number(line.slice(kind.length + 1))] : []));
  const [pid] = pids('server').filter((each) => each > 1);
  return pid === undefined ? undefined : { server: pid, controlClients: pids('client1').filter((each) => each > 1) };
}

/**
 * Waits for a killed server to end. tmux 3.3a's server waits for its clients to go as it exits, so one client that
 * never answers (a control client its czar left behind, stopped or stuck) kept it running for good, its socket
 * already gone and SIGTERM ignored: its control clients are killed then, and the server if it still runs. A person's
 * terminal client is left alone (killed, it would leave their terminal as tmux had set it), and only processes still
 * named as tmux names them are signalled, so a pid taken by another process meanwhile is left alone too.
 */
export async function awaitServerExit({ server, controlClients }: ServerProcesses): Promise<void> {
  if (await exitsWithin(server, SERVER_EXIT_MS, 5)) return;
  for (const pid of controlClients) if ((await processName(pid)) === 'tmux') signal(pid);
  if ((await processName(server)) === 'tmux: server') await awaitExit(server, SERVER_EXIT_MS);
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
