import { watch, type FSWatcher } from 'chokidar';

export interface Watch {
  close(): Promise<void>;
}

/**
 * Calls `onChange(path)` when a file under `paths` is added, changed or removed. Events, not a timer: this is what
 * keeps status latency under 100 ms. Writes are atomic renames, so no write-finish polling is needed. `onReady` runs
 * once the watch is set up: a change made before then may have gone unseen.
 */
export function watchPaths(
  paths: readonly string[],
  onChange: (changed: string) => void,
  options: { depth?: number; onReady?: () => void } = {},
): Watch {
  const watcher: FSWatcher = watch([...paths], {
    ignoreInitial: true,
    depth: options.depth ?? 2,
    // Temp files of atomic writes come and go in a few ms; the rename that follows is the event that matters.
    ignored: (file: string) => file.endsWith('.tmp'),
  });
  watcher.on('all', (_event, changed) => onChange(changed));
  watcher.on('error', () => undefined);
  if (options.onReady !== undefined) watcher.once('ready', options.onReady);
  return { close: () => watcher.close() };
}
