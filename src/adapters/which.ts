import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';

/** The absolute path `command` would run as (PATH lookup for bare names), or undefined when not executable. */
export async function which(
  command: string,
  cwd: string,
  envPath = process.env.PATH ?? '',
): Promise<string | undefined> {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : envPath
        .split(path.delimiter)
        .filter((dir) => dir !== '')
        .map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return undefined;
}

/** Where a command runs from, or why it cannot run: what `czar doctor` says about agents and `notify:`. */
export type CommandLookup =
  | { readonly ok: true; readonly path: string }
  | {
      readonly ok: false;
      readonly path: string;
      readonly problem: 'not_on_path' | 'missing' | 'folder' | 'not_executable';
    };

/** Like `which`, but a command given as a path says whether it is missing, a folder or lacks the execute bit. */
export async function lookUpCommand(
  command: string,
  cwd: string,
  envPath = process.env.PATH ?? '',
): Promise<CommandLookup> {
  const found = await which(command, cwd, envPath);
  if (found !== undefined)
    return (await stat(found).then(
      (info) => info.isDirectory(),
      () => false,
    ))
      ? { ok: false, path: found, problem: 'folder' }
      : { ok: true, path: found };
  if (!command.includes('/')) return { ok: false, path: command, problem: 'not_on_path' };
  const file = path.resolve(cwd, command);
  const info = await stat(file).catch(() => undefined);
  if (info === undefined) return { ok: false, path: file, problem: 'missing' };
  return { ok: false, path: file, problem: info.isDirectory() ? 'folder' : 'not_executable' };
}
