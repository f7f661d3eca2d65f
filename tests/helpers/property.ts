import { expect } from 'vitest';
import { gitIn } from './git-repo.js';
import { waitFor } from './wait.js';

/** mulberry32: small, seedable, good enough to pick steps. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of a property run: CZAR_PROPERTY_SEED when set (to rerun one), otherwise a new one, printed. */
export function propertySeed(name: string): number {
  const seed = Number(process.env.CZAR_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
  console.log(`${name}: seed ${seed} (rerun with CZAR_PROPERTY_SEED=${seed})`);
  return seed;
}

/**
 * Every commit reachable from a ref or a worktree's HEAD. Tried again for a moment when git fails: a `git worktree
 * add` under way writes a placeholder HEAD first, and `rev-list --all` then reads it as a bad object.
 */
export async function reachableCommits(repo: string): Promise<Set<string>> {
  const text = await waitFor(() => gitIn(repo, ['rev-list', '--all']), {
    timeoutMs: 5_000,
    what: 'git rev-list --all',
  });
  return new Set(text.split('\n').filter((line) => line !== ''));
}

/** For each lost commit: its subject and the reflog entries that name it, so a failure says where it was last seen. */
export async function lostCommitsStory(repo: string, lost: readonly string[]): Promise<string> {
  const reflogs = (await gitIn(repo, ['log', '-g', '--all', '--format=%gD %gs %H']).catch(() => '')).split('\n');
  const stories = await Promise.all(
    lost.map(
      async (commit) =>
        `${commit} "${await gitIn(repo, ['log', '-1', '--format=%s', commit]).catch(() => '?')}"; reflogs: ${reflogs
          .filter((line) => line.includes(commit))
          .join(' | ')}`,
    ),
  );
  return stories.join('; ');
}

export async function branchTips(repo: string): Promise<Map<string, string>> {
  const text = await gitIn(repo, ['for-each-ref', '--format=%(refname:short) %(objectname)', 'refs/heads']);
  return new Map(
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(' ') as [string, string]),
  );
}

/** What one czar command of a step gave. */
export interface StepResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Every command either works or says what is wrong in one sentence (plus detail lines), never an internal error. */
export function expectPlainOutcomes(results: readonly StepResult[], context: string): void {
  for (const result of results) {
    expect(`${result.stdout}\n${result.stderr}`, context).not.toMatch(/internal error/);
    if (result.exitCode !== 0) expect(result.stderr, context).toMatch(/^czar: [A-Z"].*[.?]$/m);
  }
}
