import path from 'node:path';
import { readLiveStatusFile, readStatusFile } from '../../adapters/state-files.js';
import { CzarError } from '../../domain/errors.js';
import { czarOfConfig, liveCzarPid } from '../../fleet/requests.js';
import type { FleetStatus, WorkerStatus } from '../../domain/status-schema.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { findConfig } from '../../config/find.js';
import { statePaths } from '../../domain/paths.js';
import { json, out, outRow } from '../output.js';

export const statusCommand: Command = {
  name: 'status',
  forWorkers: true,
  summary: "print the fleet's state (the same object as .czar/status.json with --json)",
  usage: 'czar status [-c czar.yaml] [--json]',
  async run(args) {
    const { values } = parse(this, args, { ...CONFIG_OPTION, json: { type: 'boolean' } }, 0);
    const status = await readFleetStatus(values.config);
    if (values.json === true) {
      out(json(status, 2));
      return 0;
    }
    for (const line of statusLines(status)) outRow(line);
    return 0;
  },
};

/**
 * The status file as the czar wrote it. While this config's own czar runs, the file is read as it is: the czar
 * built it from the model, and loading the config (yaml, zod, the presets) and asking tmux whose server it is would
 * cost more than everything else together. Otherwise the fleet is opened in full, so a moved folder or a server of
 * another fleet is named as every command names it, and the status says the czar is not running.
 */
async function readFleetStatus(configOption: string | undefined): Promise<FleetStatus> {
  const file = findConfig(process.cwd(), configOption ?? process.env.CZAR_CONFIG);
  const quick = statePaths(path.join(path.dirname(file), '.czar'));
  // Anything odd in the state dir (.czar not a folder...) is named by the long way.
  if ((await czarOfConfig(quick, file).catch(() => undefined)) !== undefined) {
    const written = await readLiveStatusFile(quick);
    if (written !== undefined) return written;
  }
  const { fleetFrom } = await import('../context.js');
  const { paths } = await fleetFrom(configOption);
  const written = await readStatusFile(paths);
  if (written === undefined) {
    throw new CzarError(
      'no_status',
      `There is no ${paths.status} yet; start the fleet with "czar up" (the czar writes it once it runs).`,
    );
  }
  // The renderer loads zod (through the checkpoint and usage shapes): only the long way pays for it.
  const { withCzarLiveness } = await import('../../domain/status-render.js');
  return withCzarLiveness(written, (await liveCzarPid(paths)) !== undefined);
}

export function statusLines(status: FleetStatus): string[] {
  const czar = status.supervisor === undefined ? 'czar not running' : `czar pid ${status.supervisor.pid}`;
  const lines = [
    `${status.project} · base ${status.base} · ${czar}${status.paused ? ' · autonomy paused' : ''} · queue ${status.queue.length}${status.sprintOver ? ' · sprint over' : ''}`,
  ];
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

function workerLine(worker: WorkerStatus): string {
  const progress = worker.progress === undefined ? '' : ` ${worker.progress}%`;
  const alerts = worker.alerts.length === 0 ? '' : `  [${worker.alerts.map((alert) => alert.kind).join(', ')}]`;
  return `  ${worker.name.padEnd(14)} ${worker.state.padEnd(9)}${progress.padEnd(5)} ${worker.branch.padEnd(22)} +${worker.git.commitsAhead} commits, ${worker.git.filesChanged.length} files  ${worker.title}${alerts}`;
}
