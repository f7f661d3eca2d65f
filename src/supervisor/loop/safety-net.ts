import path from 'node:path';
import { modifiedAtSync, pathExistsSync } from '../../adapters/file-system.js';
import { branchTips, commonDir } from '../../adapters/git.js';
import { RefsStamp } from '../../adapters/ref-stamp.js';
import { reportStream } from '../../domain/model/paths.js';
import { onThisDisk } from '../../domain/model/place-kind.js';
import type { Fleet } from '../../fleet/handle.js';
import type { ModelStore } from '../sources/model-store.js';
import { sweepEveryMs } from './pass-clock.js';

/** The workers whose reports or git the observer must look at again. */
export interface DirtyWorkers {
  reports: Set<string>;
  git: Set<string>;
}

/** Marks for a look again what moved while the watchers said nothing. */
export class SafetyNet {
  private lastLook = 0;
  /** What the safety net saw last time: report mtimes and branch tips per worker, and the base's tip. */
  private readonly seen: { reports: Map<string, number | undefined>; tips: Map<string, string>; base?: string } = {
    reports: new Map(),
    tips: new Map(),
  };
  /** The stamp of the repository's refs (undefined without a git dir), and the branch tips as last read with it. */
  private refs: Promise<RefsStamp | undefined> | undefined;
  private lastTips: { stamp: string; tips: Map<string, string> } | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
  ) {}

  /**
   * Watchers can drop an event (a burst of renames, a loaded machine): every `sweepEveryMs`, report files whose
   * mtime moved and branches whose tip moved are looked at again, so a missed event costs seconds, never a stall.
   */
  async lookIfDue(now: number, dirty: DirtyWorkers): Promise<void> {
    if (now - this.lastLook < sweepEveryMs(this.store.model.workers.length)) return;
    this.lastLook = now;
    const tips = await this.branchTips();
    const baseTip = tips.get(this.fleet.config.base) ?? '';
    const baseMoved = baseTip !== this.seen.base;
    this.seen.base = baseTip;
    for (const worker of this.store.model.workers) {
      const name = worker.spec.name;
      const mtime = modifiedAtSync(reportStream(this.fleet.paths, name));
      if (mtime !== undefined && mtime !== this.seen.reports.get(name)) dirty.reports.add(name);
      this.seen.reports.set(name, mtime);
      const tip = tips.get(worker.spec.branch) ?? '';
      // A worktree folder moved or removed by hand sends no git event: its presence is checked here.
      const worktreeThere = onThisDisk(worker.spec) && pathExistsSync(path.join(worker.spec.worktree, '.git'));
      const placeMoved =
        worker.launchedAt !== undefined &&
        onThisDisk(worker.spec) &&
        worktreeThere === (worker.place?.worktreeMissing !== undefined);
      // A commit whose ref event came through is in the model already: looking again cost four git processes.
      if (baseMoved || placeMoved || (tip !== this.seen.tips.get(name) && tip !== worker.git.lastCommit?.sha))
        dirty.git.add(name);
      this.seen.tips.set(name, tip);
    }
  }

  /** Every branch's tip; from git only when the refs moved since it was last asked, or the stamp cannot tell. */
  private async branchTips(): Promise<Map<string, string>> {
    const repo = this.fleet.config.repo;
    this.refs ??= commonDir(repo).then(
      (gitDir) => new RefsStamp(gitDir),
      () => undefined,
    );
    const stamp = (await this.refs)?.read();
    if (stamp !== undefined && stamp === this.lastTips?.stamp) return this.lastTips.tips;
    const tips = await branchTips(repo).catch(() => undefined);
    this.lastTips = stamp === undefined || tips === undefined ? undefined : { stamp, tips };
    return tips ?? new Map<string, string>();
  }
}
