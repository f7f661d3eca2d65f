import { onTestFinished } from 'vitest';
import type { Outcome } from '../../src/domain/learning/outcome.js';
import { tempDir } from './git-repo.js';

/** A repository identity for records made up in tests. */
export const REPO = 'r'.repeat(40);

let next = 0;

/** One outcome of `agent` in REPO (kind `api`, $1, verified when first try, else given up), with `overrides`. */
export function outcome(agent: string, firstTry: boolean, overrides: Partial<Outcome> = {}): Outcome {
  next++;
  return {
    v: 1,
    id: `t${next}`,
    at: '2026-11-01T10:00:00.000Z',
    repo: REPO,
    kind: 'api',
    areas: [],
    agent,
    preset: agent,
    end: firstTry ? 'verified' : 'gave_up',
    firstTry,
    checkFailures: [],
    reviewRounds: 0,
    verdicts: [],
    nudges: 0,
    restarts: 0,
    minutes: 5,
    usd: 1,
    integrated: false,
    ...overrides,
  };
}

/** Points the record at a temp folder for this test (a czar running in the test's process reads process.env). */
export async function recordDir(): Promise<string> {
  const dir = await tempDir('czar-record-');
  const before = process.env.CZAR_LEARN_DIR;
  process.env.CZAR_LEARN_DIR = dir;
  onTestFinished(() => {
    if (before === undefined) delete process.env.CZAR_LEARN_DIR;
    else process.env.CZAR_LEARN_DIR = before;
  });
  return dir;
}
