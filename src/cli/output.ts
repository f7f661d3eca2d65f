import { isCzarError } from '../domain/errors.js';
import type { FleetEvent } from '../domain/types.js';

export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The one place errors are printed: a CzarError as its sentence (and details); anything else as a czar bug. */
export function printError(error: unknown): number {
  if (isCzarError(error)) {
    err(`czar: ${error.message}`);
    for (const detail of error.details.filter((line) => line !== error.message)) err(`  ${detail}`);
    if (process.env.CZAR_DEBUG === '1' && error.cause !== undefined) err(String((error.cause as Error).stack ?? error.cause));
    return error.exitCode;
  }
  err(`czar: internal error: ${error instanceof Error ? error.message : String(error)}; this is a bug in czar, please report it with the output of CZAR_DEBUG=1.`);
  if (process.env.CZAR_DEBUG === '1' && error instanceof Error) err(error.stack ?? '');
  return 70;
}

/** One readable line per event: `12:03:04 gateway  task_delivered  delivered task ...`. */
export function formatEvent(event: FleetEvent): string {
  const time = event.at.slice(11, 19);
  return `${time} ${(event.worker ?? 'czar').padEnd(12)} ${event.kind.padEnd(16)} ${event.message}`;
}
