import path from 'node:path';

/** Command names that are shells: whatever is pasted into one runs as commands. */
const SHELLS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'zsh',
  'fish',
  'dash',
  'ksh',
  'mksh',
  'pdksh',
  'oksh',
  'ash',
  'busybox',
  'csh',
  'tcsh',
  'yash',
  'posh',
  'rc',
  'es',
  'elvish',
  'nu',
  'xonsh',
  'pwsh',
  'powershell',
]);

/** Whether a command runs a shell (by its file name: `/bin/bash`, `zsh`, `bash5.2` are shells; `./bin/mybot` is not). */
export function isShellCommand(command: string): boolean {
  const name = path.basename(command).toLowerCase();
  return SHELLS.has(name) || SHELLS.has(name.replace(/[-\d.]+$/, ''));
}

/** The preset of an `agents:` entry that names none: a shell's gets only its own task, any other program is an agent. */
export function presetForCommand(command: string): 'shell' | 'custom' {
  return isShellCommand(command) ? 'shell' : 'custom';
}
