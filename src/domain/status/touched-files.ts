import type { GitActivity } from './status-schema.js';

/**
 * The scope and overlap rules ask for every worker's files on every pass (each pair, for overlap), and a worker's git
 * activity keeps its identity until the branch moves: sorting once per activity keeps a quiet pass cheap.
 */
const touched = new WeakMap<GitActivity, { readonly list: readonly string[]; readonly set: ReadonlySet<string> }>();

function touchedOnce(git: GitActivity): { readonly list: readonly string[]; readonly set: ReadonlySet<string> } {
  let files = touched.get(git);
  if (files === undefined) {
    const set = new Set([...git.filesChanged, ...git.dirty]);
    files = { list: [...set].sort(), set };
    touched.set(git, files);
  }
  return files;
}

/** Files the branch touches: committed since it forked, plus uncommitted ones, sorted. */
export function touchedFiles(git: GitActivity): readonly string[] {
  return touchedOnce(git).list;
}

/** The same files as a set, for asking whether the branch touches one. */
export function touchedFileSet(git: GitActivity): ReadonlySet<string> {
  return touchedOnce(git).set;
}
