import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** The absolute path `command` would run as (PATH lookup for bare names), or undefined when not executable. */
export async function which(command: string, cwd: string, envPath = process.env.PATH ?? ''): Promise<string | undefined> {
  const candidates = command.includes('/') ? [path.resolve(cwd, command)] : envPath.split(path.delimiter).filter((dir) => dir !== '').map((dir) => path.join(dir, command));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}
