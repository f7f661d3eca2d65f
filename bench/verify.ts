import { execFileSync } from 'node:child_process';
import { watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { activity, historyArgs } from '../src/adapters/branch-activity.js';
import { cleanEnv, run } from '../src/adapters/process.js';
import { mapBounded } from '../src/fleet/map-bounded.js';
import type { AlertKind } from '../src/domain/model/words.js';
import type { FleetStatus } from '../src/domain/status/status-schema.js';
import { benchRepo, median, ms, percentile, row } from './harness.js';
import { cpuSeconds, czarPid, launchFleet, readStatus, settled, type Fleet } from './supervise.js';

const WORKERS = 20;
/** The supervisor refreshes git for this many workers at once. */
const GIT_CONCURRENCY = 4;

/** A repo with `count` worker branches, each in its own worktree with one commit and one uncommitted file. */
function branchesRepo(count: number): { repo: string; worktrees: string[]; cleanup: () => void } {
  const { root, repo, cleanup } = benchRepo('git');
  const git = (cwd: string, ...args: string[]): void =>
    void execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@czar.invalid', ...args], {
      cwd,
      stdio: 'ignore',
    });
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

type Refresh = (repo: string, base: string, branch: string, worktree: string) => Promise<unknown>;

/**
 * The baseline: the same git questions as `activity` asks (the tip first, then the files and history of the range to
 * that tip, beside the worktree's status), each an execa process parsed by hand as the adapter did before
 * simple-git, kept here so every run compares both adapters on the same work and the same machine load.
 */
const execaRefresh: Refresh = async (repo, base, branch, worktree) => {
  const git = (cwd: string, args: readonly string[]) =>
    run('git', ['--no-optional-locks', ...args], {
      cwd,
      env: cleanEnv({ GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' }),
      allowFailure: true,
    });
  const [tip, status] = await Promise.all([
    git(repo, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]),
    git(worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all']),
  ]);
  const range = `refs/heads/${base}..${tip.stdout.trim()}`;
  const [files, history] = await Promise.all([
    git(repo, ['diff', '--numstat', '-z', '--no-renames', `refs/heads/${base}...${tip.stdout.trim()}`, '--']),
    git(repo, historyArgs(range)),
  ]);
  return [
    files.stdout.split('\0').map((entry) => entry.split('\t')),
    history.stdout.split('\0'),
    status.stdout.split('\0').map((record) => record.slice(3)),
  ];
};

/** One refresh of every worker's git activity, as the supervisor does after a base change: ms per round. */
async function gitRefreshRounds(repo: string, worktrees: readonly string[], refresh: Refresh): Promise<number> {
  const start = performance.now();
  await mapBounded(
    worktrees.map((worktree, i) => [`czar/w${i + 1}`, worktree] as const),
    GIT_CONCURRENCY,
    0,
    ([branch, worktree]) => refresh(repo, 'main', branch, worktree),
  );
  return performance.now() - start;
}

/** The floor for the same work: the same git processes spawned with nothing parsed (execFileSync, one at a time). */
function spawnFloorRound(repo: string, worktrees: readonly string[]): number {
  const start = performance.now();
  worktrees.forEach((worktree, i) => {
    const branch = `czar/w${i + 1}`;
    for (const args of [
      ['rev-parse', '--verify', '--quiet', `${branch}^{commit}`],
      ['rev-list', '--count', `main..${branch}`],
      ['diff', '--numstat', '-z', `main...${branch}`],
      ['log', '--name-only', '-z', `main..${branch}`],
    ]) {
      execFileSync('git', ['--no-optional-locks', ...args], { cwd: repo, stdio: 'ignore' });
    }
    execFileSync('git', ['--no-optional-locks', 'status', '--porcelain=v1', '-z'], { cwd: worktree, stdio: 'ignore' });
  });
  return performance.now() - start;
}

const CONFLICT_SAMPLES = 8;

/** Resolves when status.json shows an alert of `kind` on both workers (each naming the other), watching the file. */
function alertsOnBoth(fleet: Fleet, kind: AlertKind, a: string, b: string): Promise<number> {
  const has = (status: FleetStatus | undefined, self: string, peer: string): boolean =>
    status?.workers
      .find((worker) => worker.name === self)
      ?.alerts.some((alert) => alert.kind === kind && alert.peer === peer) === true;
  return new Promise((resolve) => {
    const check = (): void => {
      const status = readStatus(fleet);
      if (!has(status, a, b) || !has(status, b, a)) return;
      watcher.close();
      resolve(performance.now());
    };
    const watcher = watch(fleet.stateDir, (_event, file) => {
      if (file === 'status.json') check();
    });
    check();
  });
}

/** Commits one file in a worker's worktree, as an agent would. */
export function commitIn(fleet: Fleet, worker: string, file: string, text: string): void {
  const worktree = path.join(fleet.root, 'repo-workers', worker);
  writeFileSync(path.join(worktree, file), text);
  execFileSync('git', ['add', '--', file], { cwd: worktree, stdio: 'ignore' });
  execFileSync(
    'git',
    [
      '-c',
      'user.name=bench',
      '-c',
      'user.email=bench@czar.invalid',
      'commit',
      '-q',
      '--no-verify',
      '-m',
      `${worker} edits ${file}`,
      '--',
      file,
    ],
    { cwd: worktree, stdio: 'ignore' },
  );
}

/**
 * Commit -> conflict alert on both sides, at 20 workers: pairs of workers add the same file with different lines.
 * The first side's commit is settled first (its git look done), then the second side's commit is timed. The
 * baseline, measured from the same commits, is the file-overlap alert: the early warning the czar raised before.
 */
async function conflictLatency(fleet: Fleet): Promise<{ conflict: number[]; overlap: number[] }> {
  const conflict: number[] = [];
  const overlap: number[] = [];
  for (let i = 0; i < CONFLICT_SAMPLES; i++) {
    const [a, b] = [`w${2 * i + 1}`, `w${2 * i + 2}`];
    const file = `clash-${i}.txt`;
    commitIn(fleet, a, file, `line from ${a}\n`);
    await until(
      () => readStatus(fleet)?.workers.find((worker) => worker.name === a)?.git.commitsAhead === 1,
      20_000,
      `${a}'s commit seen`,
    );
    const overlapShown = alertsOnBoth(fleet, 'overlap', a, b);
    const conflictShown = alertsOnBoth(fleet, 'conflict', a, b);
    commitIn(fleet, b, file, `line from ${b}\n`);
    // Timed from the moment the commit exists: the commit itself is not the czar's time.
    const committed = performance.now();
    overlap.push((await overlapShown) - committed);
    conflict.push((await conflictShown) - committed);
  }
  return { conflict, overlap };
}

async function until(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await sleep(20);
  }
}

export async function cpuShare(pid: number, seconds: number): Promise<number> {
  const cpuStart = cpuSeconds(pid);
  const wallStart = performance.now();
  await sleep(seconds * 1000);
  return (cpuSeconds(pid) - cpuStart) / ((performance.now() - wallStart) / 1000);
}

/** `npm run bench verify`: the git adapter's refresh time, conflict prediction latency, and the czar's CPU. */
export async function benchVerify(print: (line: string) => void): Promise<void> {
  const repo = branchesRepo(WORKERS);
  try {
    // Interleaved rounds, so both see the same load on a shared machine.
    const simple: number[] = [];
    const execa: number[] = [];
    for (let round = 0; round < 17; round++) {
      const a = await gitRefreshRounds(repo.repo, repo.worktrees, activity);
      const b = await gitRefreshRounds(repo.repo, repo.worktrees, execaRefresh);
      if (round >= 2) simple.push(a);
      if (round >= 2) execa.push(b);
    }
    const floor = median(Array.from({ length: 5 }, () => spawnFloorRound(repo.repo, repo.worktrees)));
    print(`verify: git adapter, ${WORKERS} worker branches`);
    print(row(`git refresh of ${WORKERS} workers (simple-git), median`, ms(median(simple)), '-', true));
    print(row('same git questions with execa (the adapter before), median', ms(median(execa)), 'n/a', true));
    print(row('same git processes, serial, nothing parsed', ms(floor), 'n/a', true));
    print(
      row(
        'ratio simple-git / execa refresh',
        `${(median(simple) / median(execa)).toFixed(3)}x`,
        '<= 1.0x',
        median(simple) <= median(execa),
      ),
    );
  } finally {
    repo.cleanup();
  }

  const quiet = await launchFleet('v20', WORKERS, 'idle_after: 1h, stuck_after: 2h', 'Wait here.\n@sim quiet\n');
  try {
    await settled(quiet, WORKERS);
    const pid = czarPid(quiet);
    const { conflict, overlap } = await conflictLatency(quiet);
    const p95 = percentile(conflict, 95);
    print(`verify: conflict prediction, ${WORKERS} simulated workers`);
    print(row(`commit -> conflict alert on both, p50 (${WORKERS} workers)`, ms(percentile(conflict, 50)), '-', true));
    print(row(`commit -> conflict alert on both, p95 (${WORKERS} workers)`, ms(p95), '< 1000 ms', p95 < 1000));
    print(
      row(
        'commit -> overlap alert on both (baseline) p50 / p95',
        `${ms(percentile(overlap, 50))} / ${ms(percentile(overlap, 95))}`,
        'n/a',
        true,
      ),
    );
    print(row('ratio conflict p95 / overlap p95', `${(p95 / percentile(overlap, 95)).toFixed(3)}x`, '-', true));
    await sleep(5_000);
    const share = await cpuShare(pid, 60);
    print(
      row(
        `czar CPU, ${WORKERS} quiet workers, ${2 * CONFLICT_SAMPLES} in conflict, 60 s`,
        `${(share * 100).toFixed(2)} %`,
        '< 1 % of a core',
        share < 0.01,
      ),
    );
  } finally {
    quiet.stop();
  }
}
