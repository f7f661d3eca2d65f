import path from 'node:path';
import { pathExistsSync } from '../adapters/file-system.js';
import { CzarError } from '../domain/model/errors.js';

/** The file `czar` looks for in the current folder and its parents. */
export const CONFIG_FILE_NAME = 'czar.yaml';

/** The config file to use: an explicit `-c` path, else `czar.yaml` in `cwd` or the nearest parent that has one. */
export function findConfig(cwd: string, explicit?: string): string {
  if (explicit !== undefined && explicit !== '') {
    const file = path.resolve(cwd, explicit);
    if (!pathExistsSync(file)) throw missingConfig(file);
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const file = path.join(dir, CONFIG_FILE_NAME);
    if (pathExistsSync(file)) return file;
    if (path.dirname(dir) === dir) break;
  }
  throw new CzarError(
    'config_missing',
    `No ${CONFIG_FILE_NAME} in ${path.resolve(cwd)} or any folder above it; run "czar init" to create one, or pass -c <file>.`,
  );
}

export function missingConfig(file: string): CzarError {
  return new CzarError(
    'config_missing',
    `No config file at ${file}; run "czar init" to create one, or pass -c <file>.`,
  );
}
