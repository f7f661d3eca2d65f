import { isCzarError } from '../domain/model/errors.js';
import { visible, visibleLines } from '../domain/model/sanitize.js';
import type { FleetEvent } from '../domain/model/words.js';

/*
 * out and err are where text leaves czar for a person's terminal: much of it quotes what workers wrote (notes,
 * titles, result paths, pane lines), so every control character but LF and TAB is shown as a symbol here, once,
 * rather than at each place that builds a line.
 */

export function out(line = ''): void {
  process.stdout.write(`${visibleLines(line)}\n`);
}

/** One record (a worker, a peer, an event) on exactly one line: an LF or TAB inside a field is shown too. */
export function outRow(row: string): void {
  process.stdout.write(`${visible(row)}\n`);
}

export function err(line: string): void {
  process.stderr.write(`${visibleLines(line)}\n`);
}

/**
 * JSON for a terminal or a pipe: JSON.stringify escapes C0 controls but leaves DEL and C1 raw (0x9b is a one-byte
 * CSI to some terminals), so those are escaped too; parsing gives back the exact text.
 */
export function json(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    /[\x7f-\x9f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The one place errors are printed: a CzarError as its sentence (and details); anything else as a czar bug. */
export function printError(error: unknown): number {
  if (isCzarError(error)) {
    err(`czar: ${error.message}`);
    for (const detail of error.details.filter((line) => line !== error.message)) err(`  ${detail}`);
    if (process.env.CZAR_DEBUG === '1' && error.cause !== undefined)
      err(String((error.cause as Error).stack ?? error.cause));
    return error.exitCode;
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    const where = (error as NodeJS.ErrnoException).path;
    err(
      `czar: no space left on the disk${where === undefined ? '' : ` holding ${where}`} (${code}), so nothing was written; free some space and run the command again.`,
    );
    return 1;
  }
  err(
    `czar: internal error: ${error instanceof Error ? error.message : String(error)}; this is a bug in czar, please report it with the output of CZAR_DEBUG=1.`,
  );
  if (process.env.CZAR_DEBUG === '1' && error instanceof Error) err(error.stack ?? '');
  return 70;
}

/** One readable line per event: `12:03:04 gateway  task_delivered  delivered task ...`. */
export function formatEvent(event: FleetEvent): string {
  const time = event.at.slice(11, 19);
  return `${time} ${(event.worker ?? 'czar').padEnd(12)} ${event.kind.padEnd(16)} ${event.message}`;
}
