import { watch as watchFolder, type FSWatcher as FolderWatcher } from 'node:fs';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { isFolderSync } from './file-system.js';

export interface Watch {
  close(): Promise<void>;
}

/** Temp files of atomic writes come and go in a few ms; the rename that follows is the event that matters. */
const isTemp = (file: string): boolean => file.endsWith('.tmp');

/**
 * Calls `onChange(path)` when a file under `paths` is added, changed or removed. Events, not a timer: this is what
 * keeps status latency under 100 ms. Writes are atomic renames, so no write-finish polling is needed. `onReady` runs
 * once the watch is set up: a change made before then may have gone unseen.
 *
 * A folder watched at depth 0 (reports, pane logs, the state dir) is watched by the kernel's own events for it: on
 * each rename into a folder chokidar reads the whole folder again, with a `stat` per entry, which in a 500-worker
 * fleet was a thousand `lstat`s for every report written. Neither way sees a folder deleted and made again.
 */
export function watchPaths(
  paths: readonly string[],
  onChange: (changed: string) => void,
  options: { depth?: number; onReady?: () => void } = {},
): Watch {
  const depth = options.depth ?? 2;
  const folders = depth === 0 ? paths.map((dir) => folderWatch(dir, onChange)) : [];
  const rest = depth === 0 ? paths.filter((_dir, index) => folders[index] === undefined) : paths;
  const watched = folders.filter((folder) => folder !== undefined);
  if (rest.length === 0) {
    if (options.onReady !== undefined) queueMicrotask(options.onReady);
    return { close: async () => watched.forEach((folder) => folder.close()) };
  }
  const watcher: FSWatcher = watch([...rest], { ignoreInitial: true, depth, ignored: isTemp });
  watcher.on('all', (_event, changed) => onChange(changed));
  watcher.on('error', () => undefined);
  if (options.onReady !== undefined) watcher.once('ready', options.onReady);
  return {
    close: async () => {
      watched.forEach((folder) => folder.close());
      await watcher.close();
    },
  };
}

/** The folder's own entries, by name as the kernel reports them; undefined when it is not a folder that can be watched. */
function folderWatch(dir: string, onChange: (changed: string) => void): FolderWatcher | undefined {
  if (!isFolderSync(dir)) return undefined;
  try {
    const watcher = watchFolder(dir, { persistent: true }, (_event, name) => {
      if (name === null) onChange(dir);
      else if (!isTemp(name)) onChange(path.join(dir, name));
    });
    // The folder deleted: its watch ends, as chokidar's did; the czar's safety net sweeps what it no longer hears.
    watcher.on('error', () => undefined);
    return watcher;
  } catch {
    return undefined;
  }
}
