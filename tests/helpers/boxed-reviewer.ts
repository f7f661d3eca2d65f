import path from 'node:path';
import { PACKAGE_ROOT } from './fleet-fixture.js';

/** What the hostile reviewer tries to reach, besides its checkout: each must be out of its box's reach but the model. */
export interface ReviewerTargets {
  readonly modelPort: number;
  readonly badPort: number;
  readonly homeFile: string;
  readonly siblingFile: string;
  readonly stateFile: string;
}

/**
 * An agent whose review is tests/fixtures/boxed-reviewer.js: it tries to write its checkout and the home, read a
 * sibling's file and czar's state and reach a port, then approves with what the model said.
 */
export function boxedReviewer(targets: ReviewerTargets) {
  return {
    command: process.execPath,
    review_args: [path.join(PACKAGE_ROOT, 'tests', 'fixtures', 'boxed-reviewer.js')],
    env: {
      MODEL_URL: `http://127.0.0.1:${targets.modelPort}/v1`,
      BAD_PORT: String(targets.badPort),
      HOME_FILE: targets.homeFile,
      SIBLING_FILE: targets.siblingFile,
      STATE_FILE: targets.stateFile,
    },
  };
}
