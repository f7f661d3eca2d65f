/**
 * The same items in the same order, compared by identity: kept objects and strings are the same values from pass to
 * pass, so a long list that did not change compares without looking inside any item.
 */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
