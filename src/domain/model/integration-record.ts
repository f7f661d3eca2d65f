/**
 * `.czar/integration.json` as the domain reads it: what czar merged into its own branch, what it undid and why. A
 * leaf file, so the model can hold the record as an observation.
 */

/** Why a merge was undone: it conflicted, git refused it (unrelated histories...), or a check failed on the result. */
export type IntegrationFailure =
  | { readonly kind: 'conflict'; readonly files: readonly string[] }
  | { readonly kind: 'refused'; readonly reason: string }
  | {
      readonly kind: 'check';
      readonly check: string;
      readonly run: string;
      readonly exitCode: number | undefined;
      readonly timedOut: boolean;
      readonly tail: string;
    };

export interface MergedEntry {
  readonly worker: string;
  readonly branch: string;
  readonly tip: string;
  readonly mergeCommit: string;
  readonly at: string;
}

export interface FailedEntry {
  readonly worker: string;
  readonly branch: string;
  /** The branch tip that failed: it is not tried again until the branch moves. */
  readonly tip: string;
  /** The integration tip it was tried on (and reset back to). */
  readonly onto: string;
  readonly failure: IntegrationFailure;
  readonly at: string;
}

/** `.czar/integration.json`: what czar did to its own branch; git holds the rest. */
export interface IntegrationRecord {
  readonly branch: string;
  /** czar created the branch (it never merges into a branch it did not create). */
  readonly createdFrom: string;
  readonly tip: string | undefined;
  readonly merged: readonly MergedEntry[];
  /** The latest failure per worker; cleared when that worker's branch is merged. */
  readonly failed: readonly FailedEntry[];
  /** Base could not be merged into the integration branch: a person must look. */
  readonly baseConflict?: { readonly base: string; readonly files: readonly string[]; readonly at: string } | undefined;
  /** The last time base was fast-forwarded to a green integration tip. */
  readonly advancedBase?: { readonly from: string; readonly to: string; readonly at: string } | undefined;
  /** A merge czar is making and has not judged yet, written before it: a czar killed meanwhile leaves it here. */
  readonly pending?: PendingMerge | undefined;
  readonly updatedAt: string;
}

/** A merge of `tip` (a worker's branch, or base when `worker` is undefined) onto the integration tip `onto`. */
export interface PendingMerge {
  readonly worker?: string | undefined;
  readonly branch: string;
  readonly tip: string;
  readonly onto: string;
  readonly at: string;
}

export function emptyRecord(branch: string, base: string, now: string): IntegrationRecord {
  return { branch, createdFrom: base, tip: undefined, merged: [], failed: [], updatedAt: now };
}
