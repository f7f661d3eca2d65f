import { resolveLinks } from '../../adapters/file-system.js';
import { presetOf } from '../../agents/index.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import type { WorkerModel } from '../../domain/model/model.js';
import type { ConversationsObservation } from '../../domain/model/observations.js';
import { onThisDisk } from '../../domain/model/place-kind.js';
import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';
import { UsageSource, UsageSubjects } from './usage.js';

/**
 * The usage of this machine's workers, read from their agents' transcripts, and the conversations those transcripts hold
 * (what a restart may resume); a host's workers' usage comes with its stream.
 */
export class LocalUsage implements Source {
  readonly name = 'usage';
  private readonly usage: UsageSource;
  /** Workers whose agent cannot resume a conversation: nothing to observe for a restart. */
  private readonly noResume = new Set<string>();
  /** Each worktree as its agent sees it, links resolved once. */
  private readonly realWorktrees = new Map<string, string>();
  /** The czar's environment, copied once: spreading the live process.env (each key a call into the runtime) was costly. */
  private readonly subjects = new UsageSubjects(
    { ...process.env },
    (worker) => this.realWorktrees.get(worker),
    (worker) => this.homeCopies.get(worker),
  );
  /** Each boxed worker's private home, where its agent's transcripts are, once its box has made it. */
  private readonly homeCopies = new Map<string, string>();

  /** `onActivity` wakes the loop when a watched transcript folder changes; `homeCopyOf` finds a boxed worker's home. */
  constructor(
    onActivity: () => void,
    private readonly homeCopyOf: (spec: WorkerSpec) => Promise<string | undefined>,
  ) {
    this.usage = new UsageSource(onActivity);
  }

  async poll(store: ModelStore): Promise<void> {
    // A host's workers keep their transcripts there: their host's watch reads them, not this machine.
    const local = store.model.workers.filter((worker) => onThisDisk(worker.spec));
    for (const worker of local) {
      const name = worker.spec.name;
      if (!this.realWorktrees.has(name))
        this.realWorktrees.set(name, await resolveLinks(worker.spec.worktree).catch(() => worker.spec.worktree));
      if (worker.spec.sandbox !== undefined && !this.homeCopies.has(name)) {
        const copy = await this.homeCopyOf(worker.spec);
        if (copy !== undefined) this.homeCopies.set(name, copy);
      }
    }
    const changed = await this.usage.poll(this.subjects.of(local), Date.now());
    for (const [name, usage] of changed) store.update(name, (model) => ({ ...model, usage }));
    for (const worker of local) {
      const name = worker.spec.name;
      if (this.noResume.has(name) || (worker.conversations !== undefined && !changed.has(name))) continue;
      if (presetOf(worker.spec.agent).resume === undefined) {
        this.noResume.add(name);
        continue;
      }
      const seen = this.conversations(worker);
      if (seen !== undefined) store.update(name, (model) => ({ ...model, conversations: seen }));
    }
  }

  /** What the worker's transcripts show of its conversations, when its agent can resume one and keeps them. */
  private conversations(worker: WorkerModel): ConversationsObservation | undefined {
    const identity = this.subjects.identity(worker);
    if (identity === undefined || this.subjects.of([worker])[0]?.transcripts === undefined) return undefined;
    return { worktree: identity.worktree, conversations: this.usage.conversations(worker.spec.name) };
  }

  async stop(): Promise<void> {
    await this.usage.close();
  }
}
