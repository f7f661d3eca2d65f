import path from 'node:path';
import { readLiveStatusFile, readStatusFile } from '../../adapters/state-files.js';
import { CzarError } from '../../domain/model/errors.js';
import { czarOfConfig, liveCzarPid } from '../../fleet/requests.js';
import type { FleetStatus, WorkerStatus } from '../../domain/status/status-schema.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { findConfig } from '../../config/find.js';
import { statePaths } from '../../domain/model/paths.js';
import { json, out, outRow } from '../output.js';
import { freeSpace } from '../../adapters/file-system.js';

export const statusCommand: Command = {
  name: 'status',
  forWorkers: true,
  summary: "print the fleet's state (the same object as .czar/status.json with --json)",
  usage: 'czar status [-c czar.yaml] [--json]',
  async run(args) {
    const { values } = parse(this, args, { ...CONFIG_OPTION, json: { type: 'boolean' } }, 0);
    const { status, stateDir } = await readFleetStatus(values.config);
    if (values.json === true) {
      out(json(status, 2));
      return 0;
    }
    const now = Date.now();
    const free = heartbeatAge(status, now) === undefined ? undefined : await freeSpace(stateDir);
    for (const line of statusLines(status, now, free)) outRow(line);
    return 0;
  },
};

/**
 * The status file as the czar wrote it. While this config's own czar runs, the file is read as it is: the czar
 * built it from the model, and loading the config (yaml, zod, the presets) and asking tmux whose server it is would
 * cost more than everything else together. Otherwise the fleet is opened in full, so a moved folder or a server of
 * another fleet is named as every command names it, and the status says the czar is not running.
 */
async function readFleetStatus(configOption: string | undefined): Promise<{ status: FleetStatus; stateDir: string }> {
  const file = findConfig(process.cwd(), configOption ?? process.env.CZAR_CONFIG);
  const quick = statePaths(path.join(path.dirname(file), '.czar'));
  // Anything odd in the state dir (.czar not a folder...) is named by the long way.
  if ((await czarOfConfig(quick, file).catch(() => undefined)) !== undefined) {
    const written = await readLiveStatusFile(quick);
    if (written !== undefined) return { status: written, stateDir: quick.root };
  }
  const { fleetFrom } = await import('../context.js');
  const { paths } = await fleetFrom(statusCommand, configOption);
  const written = await readStatusFile(paths);
  if (written === undefined) {
    throw new CzarError(
      'no_status',
      `There is no ${paths.status} yet; start the fleet with "czar up" (the czar writes it once it runs).`,
    );
  }
  // The renderer loads zod (through the checkpoint and usage shapes): only the long way pays for it.
  const { withCzarLiveness } = await import('../../domain/status/status-render.js');
  return { status: withCzarLiveness(written, (await liveCzarPid(paths)) !== undefined), stateDir: paths.root };
}

/** The czar beats every 15 s while it runs: four beats missed means status.json is not being written. */
const HEARTBEAT_STALE_MS = 60_000;

/** How old a running czar's heartbeat is, when it is old enough to say. */
function heartbeatAge(status: FleetStatus, now: number): number | undefined {
  const beat = status.supervisor === undefined ? NaN : Date.parse(status.supervisor.heartbeatAt);
  return now - beat >= HEARTBEAT_STALE_MS ? now - beat : undefined;
}

/** A disk with less than this free cannot take a status file or a report: say it is full. */
const FULL_BELOW_BYTES = 64 * 1024;

/** The lines of `czar status`; `freeBytes`, the space left where the state dir is, explains an old heartbeat. */
export function statusLines(status: FleetStatus, now = Date.now(), freeBytes?: number): string[] {
  const czar = status.supervisor === undefined ? 'czar not running' : `czar pid ${status.supervisor.pid}`;
  const age = heartbeatAge(status, now);
  const lines = [
    `${status.project} · base ${status.base} · ${czar}${status.paused ? ' · autonomy paused' : ''} · queue ${status.queue.length}${status.sprintOver ? ' · sprint over' : ''}`,
  ];
  if (age !== undefined) lines.push(`  ${staleLine(age, freeBytes)}`);
  for (const worker of status.workers) lines.push(workerLine(worker));
  const integration = status.integration;
  if (integration !== undefined) {
    lines.push(
      `${integration.branch}: holds ${integration.holds.length === 0 ? 'nothing yet' : integration.holds.join(', ')}${integration.conflicts.length === 0 ? '' : ` · conflicts: ${integration.conflicts.map((conflict) => `${conflict.worker} (${conflict.files.join(', ')})`).join('; ')}`}`,
    );
    for (const pr of integration.pullRequests) lines.push(`  PR ${pr.branch}: ${pr.url} (${pr.state.toLowerCase()})`);
  }
  return lines;
}

function staleLine(age: number, freeBytes: number | undefined): string {
  const since = `the czar's last heartbeat is ${Math.round(age / 60_000)} min old, so what follows may be out of date`;
  if (freeBytes !== undefined && freeBytes < FULL_BELOW_BYTES)
    return `${since}: state dir full (${freeBytes} bytes free on its disk); free space there and the czar writes again by itself.`;
  return `${since}: the czar is not writing status.json; see "czar log" for its last events.`;
}

function workerLine(worker: WorkerStatus): string {
  const progress = worker.progress === undefined ? '' : ` ${worker.progress}%`;
  const alerts = worker.alerts.length === 0 ? '' : `  [${worker.alerts.map((alert) => alert.kind).join(', ')}]`;
  return `  ${worker.name.padEnd(14)} ${worker.state.padEnd(9)}${progress.padEnd(5)} ${worker.branch.padEnd(22)} +${worker.git.commitsAhead} commits, ${worker.git.filesChanged.length} files  ${worker.title}${alerts}`;
}
