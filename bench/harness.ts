import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Tmux } from '../src/adapters/tmux.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CZAR = path.join(ROOT, 'bin', 'czar');
export const SIM = path.join(ROOT, 'bin', 'czar-sim-agent.js');

/**
 * A throwaway git repo on main with one commit, inside a fresh folder under `parent` (a private one for agents that
 * ignore settings below a world-writable folder such as /tmp, as Gemini CLI does).
 */
export function benchRepo(prefix: string, parent = tmpdir()): { root: string; repo: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(parent, `czar-bench-${prefix}-`));
  const repo = path.join(root, 'repo');
  mkdirSync(repo);
  const git = (...args: string[]): void =>
    void execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@czar.invalid', ...args], {
      cwd: repo,
      stdio: 'ignore',
    });
  git('init', '-q', '-b', 'main');
  writeFileSync(path.join(repo, 'README.md'), '# bench\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'initial');
  // The czar may still write its last status while its tmux server goes down: retry the removal.
  return { root, repo, cleanup: () => rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/**
 * Stops a bench fleet: its czar's hooks first (each pane's death would touch a file in the folder being removed, from
 * a shell tmux starts later), every pane's process group (so nothing keeps writing into the folder), then tmux, then
 * its socket file (tmux 3.3a leaves it behind: each run of the bench left some thirty in the tmux folder).
 */
export function killServer(socket: string): void {
  try {
    execFileSync('tmux', ['-L', socket, 'set-hook', '-gu', 'pane-died', ';', 'set-hook', '-gu', 'session-closed'], {
      stdio: 'ignore',
    });
    const pids = execFileSync('tmux', ['-L', socket, 'list-panes', '-a', '-F', '#{pane_pid}'], { encoding: 'utf8' })
      .split('\n')
      .filter((pid) => pid !== '');
    for (const pid of pids) {
      try {
        process.kill(-Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // Already gone.
  }
  rmSync(new Tmux(socket).socketPath(), { force: true });
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export function ms(value: number): string {
  return `${value.toFixed(0)} ms`;
}

/** One printed result line: name, value, target and whether it is met. */
export function row(name: string, value: string, target: string, met: boolean): string {
  return `${met ? 'ok  ' : 'MISS'} ${name.padEnd(46)} ${value.padStart(14)}   target ${target}`;
}
