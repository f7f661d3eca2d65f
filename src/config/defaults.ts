import type { Policy } from '../domain/model/config-types.js';

/** Policy values used when `policy:` leaves them out. */
export const POLICY_DEFAULTS: Policy = {
  launchConcurrency: 4,
  launchStaggerMs: 0,
  idleAfterMs: 90_000,
  stuckAfterMs: 20 * 60_000,
  maxActive: 6,
  restart: { max: 3, backoffMs: 30_000 },
  bonus: 'auto',
  autoAnswer: [],
  escalateAfterMs: 5 * 60_000,
  checkConcurrency: 1,
  budget: { worker: { usd: undefined, tokens: undefined }, fleet: { usd: undefined, tokens: undefined } },
  // A bound even when the config sets none: a worker that spawns in a loop stops at four living children, and
  // grandchildren are the deepest level.
  spawn: { maxChildren: 4, maxDepth: 2 },
};

/** A check's timeout when it gives none. */
export const CHECK_TIMEOUT_DEFAULT_MS = 10 * 60_000;

/** A review: the rounds before the person is asked, and how long one reviewer run may take. */
export const REVIEW_DEFAULTS = { maxRounds: 3, timeoutMs: 10 * 60_000 } as const;

export const DEFAULT_AGENT = 'claude';
/** The git remote a host clones when its entry names none. */
export const DEFAULT_REMOTE = 'origin';

export const DEFAULT_INTEGRATION_BRANCH = 'czar/integration';
