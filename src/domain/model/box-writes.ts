import { neutraliseControls } from './sanitize.js';

/** Paths or hosts said per worker at most: a worker writing or calling all over is told of the first ones. */
export const MAX_REFUSED_TARGETS = 20;

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

/**
 * The one alert line of what a worker's box refused it: connections its door refused (`host:port`) and writes outside
 * what it may write, newest first, with what to widen.
 */
export function boxRefusalLine(worker: string, connections: readonly string[], writes: readonly string[]): string {
  const parts = [
    ...(connections.length === 0
      ? []
      : [
          `a connection to ${newestFirst(connections)} (neither its agent's model endpoint nor in sandbox.allow_hosts)`,
        ]),
    ...(writes.length === 0
      ? []
      : [
          `a write to ${newestFirst(writes)} (outside its own folder, its agent's files, its /tmp and sandbox.writable)`,
        ]),
  ];
  const widen = [
    ...(connections.length === 0 ? [] : ['the host to sandbox.allow_hosts']),
    ...(writes.length === 0 ? [] : ['the folder to sandbox.writable']),
  ];
  return `the box of ${worker} refused ${parts.join(' and ')}; add ${widen.join(' or ')} if the worker needs it`;
}

function newestFirst(items: readonly string[]): string {
  const [newest, ...rest] = [...items].reverse();
  if (rest.length === 0) return newest ?? '';
  return `${newest ?? ''} (and ${rest.length} more: ${rest.slice(0, 3).join(', ')}${rest.length > 3 ? ', ...' : ''})`;
}
