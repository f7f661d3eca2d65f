import path from 'node:path';
import { readUtf8 } from '../../adapters/file-system.js';
import { commonDir } from '../../adapters/git.js';
import { watchPaths, type Watch } from '../../adapters/watcher.js';
import type { Fleet } from '../../fleet/handle.js';

/** Why a reconcile pass should look again; each names what to refresh, so a pass does only the work it needs. */
export type Trigger =
  | { readonly kind: 'report'; readonly worker: string }
  | { readonly kind: 'output'; readonly worker: string }
  | { readonly kind: 'git'; readonly workers: readonly string[] | 'all' }
  | { readonly kind: 'pane' }
  | { readonly kind: 'request' };

/**
 * Turns file-system events into triggers: reports, requests, pane logs, the pane-died signal, and git refs and
 * worktree indexes. These only say *where* to look; the pass re-reads the truth, so a missed or doubled event costs
 * latency, never correctness.
 */
export async function watchFleet(
  fleet: Fleet,
  signalsDir: string,
  onTrigger: (trigger: Trigger) => void,
): Promise<Watch[]> {
  const { paths, config } = fleet;
  const stem = (file: string): string => path.basename(file).replace(/\.(jsonl|json|log)$/, '');
  const gitDir = await commonDir(config.repo);
  const refsDir = path.join(gitDir, 'refs', 'heads');
  const worktreeIds = await worktreeIdMap(fleet);
  const byBranch = (branch: string): readonly string[] | 'all' =>
    branch === config.base
      ? 'all'
      : // Read at each event: a spawned child joins the fleet after the watch began.
        fleet.config.workers.filter((worker) => worker.branch === branch).map((worker) => worker.name);

  return [
    watchPaths(
      [paths.reports],
      (file) => {
        if (file.endsWith('.json') || file.endsWith('.jsonl')) onTrigger({ kind: 'report', worker: stem(file) });
      },
      { depth: 0 },
    ),
    watchPaths(
      [paths.requests],
      (file) => {
        if (file.endsWith('.json') && !file.endsWith('.result.json')) onTrigger({ kind: 'request' });
      },
      { depth: 0 },
    ),
    watchPaths(
      [paths.logs],
      (file) => {
        if (file.endsWith('.log')) onTrigger({ kind: 'output', worker: stem(file) });
      },
      { depth: 0 },
    ),
    watchPaths([signalsDir], () => onTrigger({ kind: 'pane' }), { depth: 0 }),
    watchPaths(
      [refsDir, path.join(gitDir, 'packed-refs')],
      (file) => {
        if (file.endsWith('.lock')) return;
        const branch = path.relative(refsDir, file).split(path.sep).join('/');
        onTrigger({ kind: 'git', workers: branch.startsWith('..') ? 'all' : byBranch(branch) });
      },
      { depth: 8 },
    ),
    watchPaths(
      [path.join(gitDir, 'worktrees')],
      (file) => {
        const base = path.basename(file);
        // gitdir: `git worktree move` rewrites it, `remove` deletes it; the worker's place changed either way.
        if (base !== 'index' && base !== 'HEAD' && base !== 'gitdir') return;
        const worker = worktreeIds.get(path.basename(path.dirname(file)));
        onTrigger({ kind: 'git', workers: worker === undefined ? 'all' : [worker] });
      },
      { depth: 1 },
    ),
  ];
}

/** `.git/worktrees/<id>` → worker, read from each worktree's `.git` file (`gitdir: …/worktrees/<id>`). */
async function worktreeIdMap(fleet: Fleet): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const worker of fleet.config.workers) {
    const text = await readUtf8(path.join(worker.worktree, '.git')).catch(() => '');
    const match = /^gitdir:\s*(.+)$/m.exec(text);
    if (match?.[1] !== undefined) ids.set(path.basename(match[1].trim()), worker.name);
  }
  return ids;
}

/**
 * tmux tells the czar when an agent exits (pane-died) or a session goes (session-closed, a kill by hand), so the
 * pane sweep is only a safety net. tmux runs hooks in a shell, so the signal path must be quoted for it; a path
 * with characters that cannot be quoted safely there falls back to the sweep alone.
 */
export async function armPaneHooks(fleet: Fleet, signalsDir: string): Promise<void> {
  if (!/^[A-Za-z0-9._/ +@,=-]+$/.test(signalsDir)) return;
  for (const hook of ['pane-died', 'session-closed']) {
    const touch = path.join(signalsDir, hook);
    await fleet.tmux.cmd(['set-hook', '-g', hook, `run-shell -b "touch '${touch}'"`], { allowFailure: true });
  }
}
