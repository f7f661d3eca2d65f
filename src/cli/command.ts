import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CzarError } from '../domain/errors.js';

/** One subcommand: `run` returns the exit status; only cli/ prints and decides exit codes. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The `-c/--config` option every fleet command takes. */
export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const satisfies Options;

/**
 * Parses a subcommand's arguments; an unknown flag or a missing value becomes one sentence that names the flag and
 * points at the usage line.
 */
export function parse<const O extends Options>(command: Pick<Command, 'name' | 'usage'>, args: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]?.replace(/\.$/, '') : String(error);
    throw new CzarError('usage', `${reason} for "czar ${command.name}"; usage: ${command.usage}.`, { exitCode: 2 });
  }
}

export function usageError(command: Pick<Command, 'name' | 'usage'>, problem: string): CzarError {
  return new CzarError('usage', `${problem}; usage: ${command.usage}.`, { exitCode: 2 });
}
