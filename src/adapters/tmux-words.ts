// The words czar and tmux exchange: argv shapes tmux reads specially, and the pane rows it prints.

/** A field separator that cannot occur in tmux format output we ask for (tmux keeps it verbatim). */
const SEP = '\u241e';

export interface PaneInfo {
  readonly session: string;
  readonly paneId: string;
  readonly pid: number;
  readonly dead: boolean;
  readonly deadStatus: number | undefined;
  readonly deadSignal: number | undefined;
  readonly currentCommand: string;
  readonly inMode: boolean;
  readonly inputOff: boolean;
  readonly title: string;
  /** Epoch seconds of the window's last output (tmux 3.3a has no per-pane activity). */
  readonly activity: number;
  readonly piped: boolean;
  readonly width: number;
  readonly height: number;
}

/**
 * tmux 3.3a reports a pane dead when its pty closes and fills in the exit status a moment later: a pane dead with
 * neither status nor signal is asked about again for this long before its death is believed as it stands.
 */
export const DEAD_STATUS_GRACE_MS = 2_000;

/** Dead, and tmux has not filled in how yet. */
export const deadWithoutStatus = (pane: PaneInfo): boolean =>
  pane.dead && pane.deadStatus === undefined && pane.deadSignal === undefined;

const PANE_FIELDS = [
  'session_name',
  'pane_id',
  'pane_pid',
  'pane_dead',
  'pane_dead_status',
  'pane_dead_signal',
  'pane_current_command',
  'pane_in_mode',
  'pane_input_off',
  'pane_title',
  'window_activity',
  'pane_pipe',
  'pane_width',
  'pane_height',
] as const;

/** The `-F` format of one pane row: the fields above joined by the separator. */
export const PANE_FORMAT = PANE_FIELDS.map((field) => `#{${field}}`).join(SEP);

/** `=name` makes tmux match the session name exactly, not as a prefix or pattern. */
export function exactSession(name: string): string {
  return `=${name}`;
}

/** tmux execs an argv of two or more words directly; one word would be run by `sh -c`. */
export function directArgv(argv: readonly string[]): string[] {
  return argv.length === 1 ? ['env', '--', ...argv] : [...argv];
}

export function envFlags(env: Readonly<Record<string, string>> = {}): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}

/** tmux reads an argument ending in `;` as a command separator; `\;` keeps a literal one. */
export function escapeArg(arg: string): string {
  return arg.endsWith(';') ? `${arg.slice(0, -1)}\\;` : arg;
}

/**
 * Opens the pane's log pipe, replacing one that is open. Not `-o`: tmux 3.3a's `-o` toggles, closing an open pipe
 * and opening nothing, so adopting a running pane with it switched its log off.
 */
export function pipeCommand(target: string, logFile: string): string[] {
  return ['pipe-pane', '-t', target, `exec cat >> ${shellQuote(logFile)}`];
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

export function parsePane(line: string): PaneInfo {
  const f = line.split(SEP);
  const at = (index: number): string => f[index] ?? '';
  const optionalNumber = (index: number): number | undefined => (at(index) === '' ? undefined : Number(at(index)));
  return {
    session: at(0),
    paneId: at(1),
    pid: Number(at(2)),
    dead: at(3) === '1',
    deadStatus: optionalNumber(4),
    deadSignal: optionalNumber(5),
    currentCommand: at(6),
    inMode: at(7) === '1',
    inputOff: at(8) === '1',
    title: at(9),
    activity: Number(at(10)),
    piped: at(11) === '1',
    width: Number(at(12)),
    height: Number(at(13)),
  };
}

/** Parses `tmux 3.3a` into [3, 3]; `next-3.4` and `master` count as new. */
export function parseTmuxVersion(text: string): [number, number] | undefined {
  const match = /(\d+)\.(\d+)/.exec(text);
  if (match === null) return /master|next/.test(text) ? [99, 0] : undefined;
  return [Number(match[1]), Number(match[2])];
}

export interface NewSessionOptions {
  readonly name: string;
  readonly cwd: string;
  readonly argv: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly width?: number;
  readonly height?: number;
  /** Pipe the pane's output into this file from its first byte (pipe-pane in the same invocation). */
  readonly logFile?: string;
}
