import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { CZAR, killServer, row } from './harness.js';
import { czarPid, launchFleet, settled, until } from './supervise.js';
import { cpuShare } from './verify.js';

const WORKERS = 20;
const WINDOW_S = 60;

/**
 * The real dashboard on a terminal (a tmux pane of 200x50 on a server of its own) watching 20 quiet workers: the CPU
 * of the dashboard's process over the first minute of quiet and the minute after it, against the czar's own in that
 * second minute.
 */
export async function benchDashboardIdle(print: (line: string) => void): Promise<void> {
  const fleet = await launchFleet('d20', WORKERS, 'idle_after: 1h, stuck_after: 2h', 'Wait here.\n@sim quiet\n');
  const socket = `czar-bench-dash-${process.pid}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', env: { ...process.env, TMUX: '' } });
  try {
    await settled(fleet, WORKERS);
    const size = ['-x', '200', '-y', '50'];
    tmux(
      'new-session',
      '-d',
      ...size,
      '-e',
      'TERM=xterm-256color',
      '-c',
      fleet.root,
      process.execPath,
      CZAR,
      'dashboard',
    );
    const pid = Number(tmux('display-message', '-p', '#{pane_pid}').trim());
    await until(() => (tmux('capture-pane', '-p').includes(`w${WORKERS}`) ? true : undefined), 30_000, 'the dashboard');
    // Past the first draws and the modules' first runs.
    await sleep(5_000);
    const czar = czarPid(fleet);
    // The first minute of quiet shows seconds (5 s steps); past it, minutes: what a fleet that works quietly shows.
    const [early] = await Promise.all([cpuShare(pid, WINDOW_S), cpuShare(czar, WINDOW_S)]);
    const [dashboard, supervisor] = await Promise.all([cpuShare(pid, WINDOW_S), cpuShare(czar, WINDOW_S)]);
    print(`supervise: the dashboard on a 200x50 terminal, ${WORKERS} quiet workers`);
    print(row(`dashboard CPU, first ${WINDOW_S} s of quiet`, `${(early * 100).toFixed(2)} %`, '-', true));
    print(
      row(
        `dashboard CPU, idle, the next ${WINDOW_S} s`,
        `${(dashboard * 100).toFixed(2)} %`,
        '< 0.3 % of a core',
        dashboard < 0.003,
      ),
    );
    print(row(`czar CPU in the same ${WINDOW_S} s (baseline)`, `${(supervisor * 100).toFixed(2)} %`, 'n/a', true));
    print(row('ratio dashboard / czar', `${(dashboard / supervisor).toFixed(2)}x`, '-', true));
  } finally {
    killServer(socket);
    fleet.stop();
  }
}
