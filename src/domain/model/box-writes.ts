import { neutraliseControls } from './sanitize.js';

/** Paths said per alert at most: a worker writing all over the system is told of the first ones. */
export const MAX_REFUSED_WRITES = 20;

const READ_ONLY = /read-only file system/i;
/** An absolute path, quoted or standing alone, as coreutils, shells, git, Node and Python print one. */
const ABSOLUTE_PATH = /(?:^|[\s'"`(=,:])(\/[^\s'"`),:]{1,300})/g;

/**
 * The paths a boxed worker's screen says a write to was refused because its box shows them read-only (EROFS, however
 * the program words it: `touch: cannot touch '/etc/x': Read-only file system`, `EROFS: read-only file system, open
 * '/x'`, `[Errno 30] Read-only file system: '/x'`). The screen is the worker's own text: a path it names is only
 * shown, with its control characters made visible, in its own alert.
 */
export function refusedWrites(screen: string): string[] {
  const found = new Set<string>();
  if (!READ_ONLY.test(screen)) return [];
  for (const line of screen.split('\n')) {
    if (!READ_ONLY.test(line)) continue;
    for (const match of line.matchAll(ABSOLUTE_PATH)) {
      const file = match[1];
      if (file !== undefined && file !== '/') found.add(neutraliseControls(file));
      break;
    }
  }
  return [...found];
}

/** The alert line of a boxed worker's refused writes, newest first. */
export function refusedWritesLine(worker: string, files: readonly string[]): string {
  const [newest, ...rest] = [...files].reverse();
  const more =
    rest.length === 0
      ? ''
      : ` (and ${rest.length} more: ${rest.slice(0, 3).join(', ')}${rest.length > 3 ? ', ...' : ''})`;
  return `the box of ${worker} refused a write to ${newest ?? ''}${more}: only its own folder, its agent's files, its /tmp and sandbox.writable are writable there; add the folder to sandbox.writable if the worker needs it`;
}
