import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { activity } from '../src/adapters/git.js';
import { mapBounded } from '../src/launch/fleet.js';
import { benchRepo, median, ms, row } from './harness.js';
import { cpuSeconds, czarPid, launchFleet, settled } from './supervise.js';

const WORKERS = 20;
/** The supervisor refreshes git for this many workers at once. */
const GIT_CONCURRENCY = 4;

/** A repo with `count` worker branches, each in its own worktree with one commit and one uncommitted file. */
function branchesRepo(count: number): { repo: string; worktrees: string[]; cleanup: () => void } {
  const { root, repo, cleanup } = benchRepo('git');
  const git = (cwd: string, ...args: string[]): void => void execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@czar.invalid', ...args], { cwd, stdio: 'ignore' });
  const worktrees = Array.from({ length: count }, (_, i) => {
    const worktree = path.join(root, 'workers', `w${i + 1}`);
    git(repo, 'worktree', 'add', '-q', '-b', `czar/w${i + 1}`, worktree, 'main');
    writeFileSync(path.join(worktree, `w${i + 1}.txt`), `work ${i}\n`);
    git(worktree, 'add', '-A');
    git(worktree, 'commit', '-q', '-m', `w${i + 1}`);
    writeFileSync(path.join(worktree, 'scratch.txt'), 'uncommitted\n');
    return worktree;
  });
  return { repo, worktrees, cleanup };
}

/** One refresh of every worker's git activity, as the supervisor does after a base change: ms per round. */
async function gitRefreshRounds(repo: string, worktrees: readonly string[], rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    await mapBounded(worktrees.map((worktree, i) => [`czar/w${i + 1}`, worktree] as const), GIT_CONCURRENCY, 0, ([branch, worktree]) => activity(repo, 'main', branch, worktree));
    times.push(performance.now() - start);
  }
  return times;
}

/** The floor for the same work: the same git processes spawned with nothing parsed (execFileSync, one at a time). */
function spawnFloorRound(repo: string, worktrees: readonly string[]): number {
  const start = performance.now();
  worktrees.forEach((worktree, i) => {
    const branch = `czar/w${i + 1}`;
    for (const args of [['rev-list', '--count', `main..${branch}`], ['diff', '--name-only', '-z', `main...${branch}`], ['log', '-1', '--format=%H', `main..${branch}`]]) {
      execFileSync('git', ['--no-optional-locks', ...args], { cwd: repo, stdio: 'ignore' });
    }
    execFileSync('git', ['--no-optional-locks', 'status', '--porcelain=v1', '-z'], { cwd: worktree, stdio: 'ignore' });
  });
  return performance.now() - start;
}

/** `npm run bench verify`: the git adapter's refresh time and the czar's CPU with quiet workers. */
export async function benchVerify(print: (line: string) => void): Promise<void> {
  const repo = branchesRepo(WORKERS);
  try {
    await gitRefreshRounds(repo.repo, repo.worktrees, 2);
    const refresh = median(await gitRefreshRounds(repo.repo, repo.worktrees, 15));
    const floor = median(Array.from({ length: 5 }, () => spawnFloorRound(repo.repo, repo.worktrees)));
    print(`verify: git adapter, ${WORKERS} worker branches`);
    print(row(`git refresh of ${WORKERS} workers, median`, ms(refresh), '-', true));
    print(row('same git processes, serial, nothing parsed', ms(floor), 'n/a', true));
    print(row('ratio refresh / serial spawn floor', `${(refresh / floor).toFixed(3)}x`, '-', true));
  } finally {
    repo.cleanup();
  }

  const quiet = launchFleet('v20', WORKERS, 'idle_after: 1h, stuck_after: 2h', 'Wait here.\n@sim quiet\n');
  try {
    await settled(quiet, WORKERS);
    const pid = czarPid(quiet);
    await sleep(5_000);
    const cpuStart = cpuSeconds(pid);
    const wallStart = performance.now();
    await sleep(60_000);
    const share = (cpuSeconds(pid) - cpuStart) / ((performance.now() - wallStart) / 1000);
    print(row(`czar CPU, ${WORKERS} quiet workers, 60 s`, `${(share * 100).toFixed(2)} %`, '< 1 % of a core', share < 0.01));
  } finally {
    quiet.stop();
  }
}
