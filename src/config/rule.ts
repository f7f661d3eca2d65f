import type { Problem } from './problems.js';
import type { WrittenConfig } from './schema.js';

/**
 * Cross-field rules on a config that passed the schema. Each rule is named (so a test or a future `czar doctor`
 * can point at it) and returns every problem it finds, not just the first.
 */
export interface Rule {
  readonly name: string;
  check(config: WrittenConfig): Problem[];
}
