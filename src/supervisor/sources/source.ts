import type { ModelStore } from './model-store.js';

/**
 * One kind of fact the czar learns (panes, reports, git, checks, usage, hosts, conflicts, a person's requests): each
 * pass the loop asks every source in turn to write what it learned into the store, then `decide()` reads the store.
 */
export interface Source {
  readonly name: string;
  poll(store: ModelStore): Promise<void>;
}
