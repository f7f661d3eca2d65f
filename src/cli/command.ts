import { parseArgs, type ParseArgsConfig } from 'node:util';
import { suggest } from '../config/problems.js';
import { CzarError } from '../domain/model/errors.js';

/** One subcommand: `run` returns the exit status; only cli/ prints and decides exit codes. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /**
   * A worker's agent may run it from its pane (it reports, or only reads); every other command is a person's, and
   * refuses where CZAR_WORKER is set or its process runs inside the fleet.
   */
  readonly forWorkers?: true;
  run(args: string[]): Promise<number>;
}

/**
 * Why `command` may not run here, or undefined when it may: inside a worker's environment only the commands a worker
 * uses run, so an agent (or text injected into it) cannot stop, restart or message the fleet. The environment is
 * only the first sign: `fleetFrom` refuses a person's command run inside the fleet whatever its environment says.
 */
export function workerRefusal(
  command: Pick<Command, 'name' | 'forWorkers'>,
  env: NodeJS.ProcessEnv,
): CzarError | undefined {
  const worker = env.CZAR_WORKER;
  if (worker === undefined || worker === '' || command.forWorkers === true) return undefined;
  return personRefusal(command.name);
}

/** The one sentence every refusal of a person's command says: nothing in it tells an agent a way around it. */
export function personRefusal(command: string): CzarError {
  return new CzarError(
    'person_command',
    `"czar ${command}" acts as the person, and a worker cannot act as the person, so it was refused.`,
  );
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The `-c/--config` option every fleet command takes. */
export const CONFIG_OPTION = { config: { type: 'string', short: 'c' } } as const satisfies Options;

/**
 * Parses a subcommand's arguments: an unknown flag, a missing or unwanted value, a single-value flag given twice, or
 * more than `maxPositionals` arguments becomes one sentence that names what was wrong and points at the usage line.
 * After `--` every argument is a positional one, and a negative number after a flag that takes a value is its value
 * (`-n -3`), so the command's own check can say it is out of range.
 */
export function parse<const O extends Options>(
  command: Pick<Command, 'name' | 'usage'>,
  args: string[],
  options: O,
  maxPositionals = Infinity,
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: withNegativeValues(args, options),
      options,
      allowPositionals: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw usageError(command, argumentProblem(command, error, options));
  }
  const given = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== 'option' || options[token.name]?.type !== 'string' || options[token.name]?.multiple === true)
      continue;
    if (given.has(token.name)) throw usageError(command, `${token.rawName} is given more than once; give it once`);
    given.add(token.name);
  }
  const extra = parsed.positionals[maxPositionals];
  if (extra !== undefined)
    throw usageError(command, `${JSON.stringify(extra)} is one argument too many for "czar ${command.name}"`);
  return { values: parsed.values, positionals: parsed.positionals };
}

/** A value that reads as a negative number, which parseArgs would take for a flag. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;

/** `-n -3` as `--lines=-3`: the form parseArgs takes a value starting with a dash in. Nothing after `--` changes. */
function withNegativeValues(args: readonly string[], options: Options): string[] {
  const valued = new Map<string, string>();
  for (const [long, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    valued.set(`--${long}`, long);
    if (option.short !== undefined) valued.set(`-${option.short}`, long);
  }
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? '';
    if (arg === '--') return [...joined, ...args.slice(index)];
    const long = valued.get(arg);
    const next = args[index + 1];
    if (long !== undefined && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      joined.push(`--${long}=${next}`);
      index++;
    } else joined.push(arg);
  }
  return joined;
}

/** node's parseArgs messages run to two sentences; this keeps what they name (in quotes) and says it in one. */
function argumentProblem(command: Pick<Command, 'name'>, error: unknown, options: Options): string {
  const message = error instanceof Error ? error.message : String(error);
  const named = /'([^']*)'/.exec(message)?.[1] ?? message;
  const flag = named.replace(/ <value>$/, '');
  const code = (error as { code?: string }).code;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = Object.entries(options).flatMap(([long, option]) => [
      `--${long}`,
      ...(option.short === undefined ? [] : [`-${option.short}`]),
    ]);
    const hint = suggest(named, known);
    return `${JSON.stringify(named)} is not an option of "czar ${command.name}"${hint === undefined ? '' : ` (did you mean "${hint}"?)`}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return message.includes('does not take an argument') ? `${flag} takes no value` : `${flag} needs a value`;
  return message.split('\n')[0]?.replace(/\.$/, '') ?? message;
}

/** A count given as an option (`-n 20`): a whole number of 1 or more, or undefined when the option is absent. */
export function wholeNumberOption(
  command: Pick<Command, 'name' | 'usage'>,
  flag: string,
  value: string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const allowed = `a whole number from 1 to ${Number.MAX_SAFE_INTEGER}, e.g. ${flag} 20`;
  if (!/^-?[0-9]+$/.test(value))
    throw usageError(command, `${flag} ${JSON.stringify(value)} is not a whole number; give ${allowed}`);
  const count = Number(value);
  if (count < 1 || !Number.isSafeInteger(count)) throw outOfRange(command, flag, value, allowed);
  return count;
}

/** A number given as an option that is a number, but not one the option takes: naming the flag, value and range. */
export function outOfRange(
  command: Pick<Command, 'name' | 'usage'>,
  flag: string,
  value: string,
  allowed: string,
): CzarError {
  return usageError(command, `${flag} ${value} is out of range; give ${allowed}`);
}

export function usageError(command: Pick<Command, 'name' | 'usage'>, problem: string): CzarError {
  return new CzarError('usage', `${problem}; usage: ${command.usage}.`);
}
