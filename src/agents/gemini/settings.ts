/** One file or folder on the way from a settings file up to `/`, as `lstat` saw it. */
export interface PathOwnership {
  readonly path: string;
  readonly uid: number;
  readonly mode: number;
}

/**
 * Why Gemini CLI (0.61, `isFileAndDirectorySecureSync`) would skip a system settings file, given the file (or the
 * owner it will have) and each folder above it, nearest first; undefined when it would read it. It reads the file
 * only when the file and every folder above it are owned by root and writable by no group or others, and says so
 * only in a warning on its own screen ("Skipping system settings file ... is insecure").
 */
export function geminiSkipReason(
  chain: readonly PathOwnership[],
): { readonly path: string; readonly reason: string } | undefined {
  for (const entry of chain) {
    if ((entry.mode & 0o022) !== 0) return { path: entry.path, reason: 'is writable by group or others' };
    if (entry.uid !== 0) return { path: entry.path, reason: `is owned by uid ${entry.uid}, not root` };
  }
  return undefined;
}

/**
 * Whether the person can fix what `geminiSkipReason` found (a folder open to others), so `czar up` refuses until they
 * do; folders not owned by root cannot be fixed short of running as root, so the worker runs without hooks.
 */
export function geminiSkipIsFixable(skip: { readonly reason: string }): boolean {
  return skip.reason.startsWith('is writable');
}

/** The fix for a reason from `geminiSkipReason`, as one clause. */
export function geminiSkipFix(skip: { readonly path: string; readonly reason: string }): string {
  return geminiSkipIsFixable(skip)
    ? `run "chmod go-w ${skip.path}", or set XDG_CACHE_HOME to a folder only you can write (czar keeps the file under it)`
    : 'Gemini CLI reads hook settings only from folders owned by root, so run czar as root for hooks, or give this worker another agent';
}
