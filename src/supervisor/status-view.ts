import { writeJsonAtomic } from '../adapters/state-files.js';
import { integrationSettled } from '../domain/policy/integration.js';
import { fleetStatus } from '../domain/status-render.js';
import type { Fleet } from '../fleet/handle.js';
import type { HostStreams } from './host-streams.js';
import type { IntegrationSource } from './integration-source.js';
import { MetricsSource } from './metrics-source.js';
import type { ModelStore } from './model-store.js';

const HEARTBEAT_MS = 15_000;

/** The sources that keep a part of status.json beside the model: the integration record and the host links. */
export interface StatusParts {
  readonly integration: IntegrationSource;
  readonly hosts: HostStreams;
}

/**
 * status.json, rendered in this one place from the model store and the parts its sources keep beside it, and
 * written only when anything a reader sees changed (the heartbeat alone only every HEARTBEAT_MS).
 */
export class StatusView {
  private lastHeartbeat = 0;
  private lastText = '';
  /** What status.json was last built from, and whether a source has news since: a quiet clock pass builds nothing. */
  private inputs: readonly unknown[] = [];
  private poked = true;
  private readonly metrics: MetricsSource;

  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
    private readonly parts: StatusParts,
  ) {
    this.metrics = new MetricsSource(fleet);
  }

  /** A source has news the inputs below do not show. */
  poke(): void {
    this.poked = true;
  }

  /** Writes status.json if it changed; returns whether the sprint is over as written, undefined when nothing was. */
  async write(alive: boolean, startedAt: string): Promise<boolean | undefined> {
    const now = Date.now();
    if (alive && now - this.lastHeartbeat >= HEARTBEAT_MS) this.lastHeartbeat = now;
    const { integration, hosts } = this.parts;
    // The model keeps its identity through a pass that changed nothing; the sources that keep news outside it poke.
    const inputs = [
      this.store.model,
      this.lastHeartbeat,
      this.fleet.log.emitted,
      this.store.extrasVersion,
      integration.current(),
    ];
    if (alive && !this.poked && inputs.every((input, index) => input === this.inputs[index])) return undefined;
    this.poked = false;
    this.inputs = inputs;
    const supervisor = alive
      ? { supervisor: { pid: process.pid, heartbeatAt: new Date(this.lastHeartbeat).toISOString() } }
      : {};
    const ratesAt = this.lastHeartbeat === 0 ? now : this.lastHeartbeat;
    const fleetFacts = fleetStatus(
      this.store.model,
      { project: this.fleet.config.project, startedAt, now, ratesAt, ...supervisor },
      this.store.extras,
    );
    const facts = {
      ...fleetFacts,
      sprintOver: fleetFacts.sprintOver && integrationSettled(this.store.model),
      ...integration.status(),
      ...hosts.status(),
    };
    const status = { ...facts, metrics: await this.metrics.metrics(facts, ratesAt) };
    const comparable = JSON.stringify({ ...status, updatedAt: '' });
    if (comparable === this.lastText) return undefined;
    this.lastText = comparable;
    await writeJsonAtomic(this.fleet.paths.status, status);
    return status.sprintOver;
  }
}
