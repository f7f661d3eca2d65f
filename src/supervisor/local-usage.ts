import type { ModelStore } from './model-store.js';
import type { Source } from './source.js';
import { UsageSource, UsageSubjects } from './usage-source.js';

/** The usage of this machine's workers, read from their agents' records; a host's workers' usage comes with its stream. */
export class LocalUsage implements Source {
  readonly name = 'usage';
  private readonly usage: UsageSource;
  /** The czar's environment, copied once: spreading the live process.env (each key a call into the runtime) was costly. */
  private readonly subjects = new UsageSubjects({ ...process.env });

  /** `onActivity` wakes the loop when a watched record folder changes. */
  constructor(onActivity: () => void) {
    this.usage = new UsageSource(onActivity);
  }

  async poll(store: ModelStore): Promise<void> {
    // A host's workers keep their records there: their host's watch reads them, not this machine.
    const local = store.model.workers.filter((worker) => worker.spec.host === undefined);
    for (const [name, usage] of await this.usage.poll(this.subjects.of(local), Date.now()))
      store.update(name, (model) => ({ ...model, usage }));
  }

  async stop(): Promise<void> {
    await this.usage.close();
  }
}
