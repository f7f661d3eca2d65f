import { branchCutAt, commitActivity, NO_COMMITS, ownDirtyPaths } from '../../adapters/branch-activity.js';
import { branchTips, commonDir, headRef, isAncestor, looseRefTip } from '../../adapters/git.js';
import { worktreeIndexStamp } from '../../adapters/worktree-index.js';
import { branchPlaces } from '../../adapters/worktree-place.js';
import { onThisDisk, placeKind } from '../../domain/model/place-kind.js';
import type { BranchPlace } from '../../domain/model/branch-place.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { WorkerModel } from '../../domain/model/model.js';
import type { GitActivity } from '../../domain/status/status-schema.js';
import type { FreshWorktrees } from '../../fleet/fresh-worktrees.js';
import { mapBounded } from '../../fleet/map-bounded.js';
import type { Fleet } from '../../fleet/handle.js';
import type { ModelStore } from './model-store.js';

// A few workers at a time: after a restart or a base change all of them are dirty, and their git processes at once
// cost more memory and CPU than the latency they save.
const GIT_CONCURRENCY = 4;

type CommitSide = Omit<GitActivity, 'dirty'>;

/**
 * The git side of the observer: each branch's commits and files, and where its branch and worktree stand. One read of
 * every branch tip serves the whole look. A branch still at the commit it is counted from has done nothing, with no
 * question to git; the commit side of a branch whose tip, start and fork point are as at its last look is that look's.
 * So a look at a quiet fleet costs one `for-each-ref` and one `git status` per worker, not six processes each.
 */
export class GitLooks {
  /** Per worker: the commit side of its last look, and the commits it was read at. */
  private readonly commits = new Map<string, { readonly at: string; readonly side: CommitSide }>();
  /** A spawned child's cut point, once found: it never moves. */
  private readonly cuts = new Map<string, string>();
  /** The worktrees the launch that started this czar made, clean, with their index stamps; each used once. */
  private readonly handedOver = new Map<string, string>();
  /** Looks started so far, and per worker the latest whose answers the model holds: an earlier one's never replace them. */
  private started = 0;
  private readonly written = new Map<string, number>();
  /** Workers whose branches a look beside the passes is to read, and whether one runs. */
  private readonly besideNames = new Set<string>();
  private lookingBeside = false;
  /** The repository's common git folder, where the branches' refs are. */
  private gitDir: Promise<string | undefined> | undefined;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
    /** Resolves when a look beside the passes may start. */
    private readonly giveWay: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /**
   * Looks at the named workers (and the children of any that is a parent: a parent's branch that moved may now hold
   * a child's tip). Without base nothing can be counted: the last counts stay (every branch at +0 would read as work
   * lost) and the fleet is told base is gone.
   */
  async look(names: readonly string[]): Promise<void> {
    const { fleet, store } = this;
    const look = ++this.started;
    // Asked once, with the first look: a done report's pass reads a ref from it (`tipSeen`) and must not wait for git.
    void this.commonGitDir();
    const workers = new Map(store.model.workers.map((worker) => [worker.spec.name, worker]));
    const children = store.model.workers.filter((worker) => names.includes(worker.spec.parent ?? ''));
    const specs = [...new Set([...names, ...children.map((child) => child.spec.name)])].map((name) => store.spec(name));
    // Only a linked worktree's place is read here: a host's or a box's commits arrive as the branch here (fetched from
    // its own repository), and its own place stays unseen.
    const local = specs.filter((spec) => placeKind(spec) === 'worktree');
    const { tips, places } = await branchPlaces(
      fleet.config.repo,
      local.map((spec) => ({
        branch: spec.branch,
        worktree: spec.worktree,
        lastTip: workers.get(spec.name)?.git.lastCommit?.sha,
      })),
      () => branchTips(fleet.config.repo),
    );
    const baseTip = tips.get(fleet.config.base);
    if ((baseTip === undefined) !== (store.model.baseMissing === true) || baseTip !== store.model.baseTip)
      store.change((model) => ({ ...model, baseMissing: baseTip === undefined, baseTip }));
    const looks = await mapBounded(specs, GIT_CONCURRENCY, 0, async (spec) => {
      const [git, inParent] = await Promise.all([
        baseTip === undefined ? undefined : this.activity(spec, tips, baseTip),
        this.mergedInParent(spec, tips),
      ]);
      return { name: spec.name, git, place: places.get(spec.branch), inParent };
    });
    for (const result of looks) {
      if (result.status !== 'fulfilled') continue;
      const { name, git, place, inParent } = result.value;
      if ((this.written.get(name) ?? 0) > look) continue;
      this.written.set(name, look);
      store.update(name, (model) => unchangedOr(model, git, place, inParent));
    }
  }

  /**
   * Whether the worker's branch is still at the commit its last look counted, read from the ref file alone: a report
   * judged against the branch then needs no look of its own (two git processes, 80 to 370 ms of the pass on a loaded
   * machine, in front of the bonus task a done report asks for).
   */
  async tipSeen(worker: WorkerModel): Promise<boolean> {
    const seen = worker.git.lastCommit?.sha;
    if (seen === undefined || placeKind(worker.spec) !== 'worktree') return false;
    const gitDir = await this.commonGitDir();
    return gitDir !== undefined && looseRefTip(gitDir, worker.spec.branch) === seen;
  }

  /**
   * Reads branches that moved beside the passes, one look after another, and says when each look's answers are in the
   * model (`looked`): with 50 workers on one file a commit's look took up to 300 ms of git, which a pass carrying
   * another worker's done report waited for.
   */
  lookBeside(names: readonly string[], looked: () => void): void {
    for (const name of names) this.besideNames.add(name);
    if (this.lookingBeside || this.besideNames.size === 0) return;
    this.lookingBeside = true;
    void (async () => {
      while (this.besideNames.size > 0) {
        await this.giveWay();
        const batch = [...this.besideNames];
        this.besideNames.clear();
        // A look that fails leaves the branches as last seen, as a failed look in a pass did; the next event looks again.
        await this.look(batch).catch(() => undefined);
        this.store.noteGitLooked();
        looked();
      }
      this.lookingBeside = false;
    })();
  }

  private commonGitDir(): Promise<string | undefined> {
    this.gitDir ??= commonDir(this.fleet.config.repo).catch(() => undefined);
    return this.gitDir;
  }

  /** What the launch that started this czar knows of the worktrees it made (see `FreshWorktrees`). */
  handOver(fresh: FreshWorktrees): void {
    for (const [name, stamp] of fresh) this.handedOver.set(name, stamp);
  }

  private async activity(spec: WorkerSpec, tips: ReadonlyMap<string, string>, baseTip: string): Promise<GitActivity> {
    const dirty = onThisDisk(spec) ? this.dirtyPaths(spec) : Promise.resolve([]);
    const tip = tips.get(spec.branch);
    if (tip === undefined) return { ...NO_COMMITS, dirty: await dirty };
    // A child's commits are those since it was cut, and its files those since its parent's branch: the commits it
    // started with are its parent's work (the cut stays put when the parent merges the child).
    const parent = this.fleet.config.workers.find((worker) => worker.name === spec.parent);
    const from = (spec.parent === undefined ? undefined : await this.cutOf(spec)) ?? baseTip;
    const filesSince = parent?.branch ?? this.fleet.config.base;
    const filesSinceAt = tips.get(filesSince) ?? headRef(filesSince);
    const at = `${from} ${tip} ${filesSinceAt}`;
    const known = this.commits.get(spec.name);
    const side =
      tip === from
        ? NO_COMMITS
        : known?.at === at
          ? known.side
          : await commitActivity(this.fleet.config.repo, from, tip, filesSinceAt);
    this.commits.set(spec.name, { at, side });
    return { ...side, dirty: await dirty };
  }

  /**
   * A worktree its launch made is clean while its index is as git left it (nothing staged, committed or checked out
   * since): its first look needs no `git status`, a process per worker. Files an agent edits without staging are seen
   * at its next git event, as after any look.
   */
  private async dirtyPaths(spec: WorkerSpec): Promise<string[]> {
    const stamp = this.handedOver.get(spec.name);
    this.handedOver.delete(spec.name);
    if (stamp !== undefined && stamp === (await worktreeIndexStamp(spec.worktree))) return [];
    return ownDirtyPaths(spec.worktree, this.fleet.config.integration.branch);
  }

  private async cutOf(spec: WorkerSpec): Promise<string | undefined> {
    const known = this.cuts.get(spec.name);
    if (known !== undefined) return known;
    const cut = await branchCutAt(this.fleet.config.repo, spec.branch);
    if (cut !== undefined) this.cuts.set(spec.name, cut);
    return cut;
  }

  /** Whether a spawned child's branch tip is in its parent's branch (undefined for a worker with no parent). */
  private async mergedInParent(spec: WorkerSpec, tips: ReadonlyMap<string, string>): Promise<boolean | undefined> {
    if (spec.parent === undefined) return undefined;
    const parent = this.store.model.workers.find((worker) => worker.spec.name === spec.parent)?.spec.branch;
    const tip = tips.get(spec.branch);
    const parentTip = parent === undefined ? undefined : tips.get(parent);
    if (tip === undefined || parentTip === undefined) return false;
    return tip === parentTip || (await isAncestor(this.fleet.config.repo, tip, parentTip).catch(() => false));
  }
}

/** The worker as it was when nothing git says of it changed (so the store sees no change), else with the news. */
function unchangedOr<T extends { git: GitActivity; place?: BranchPlace | undefined; inParent?: boolean | undefined }>(
  model: T,
  git: GitActivity | undefined,
  place: BranchPlace | undefined,
  inParent: boolean | undefined,
): T {
  const sameActivity = git === undefined || JSON.stringify(model.git) === JSON.stringify(git);
  const samePlace = JSON.stringify(model.place) === JSON.stringify(place);
  if (sameActivity && samePlace && model.inParent === inParent) return model;
  return { ...model, ...(sameActivity ? {} : { git }), place, inParent };
}
