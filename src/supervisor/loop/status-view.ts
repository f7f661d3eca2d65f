import { writePiecesAtomicSync } from '../../adapters/state-files.js';
import { hostStatuses } from '../../domain/model/host-status.js';
import { candidatesOf, emptyRecord, integrationStatus } from '../../domain/policy/integration-plan.js';
import type { FleetModel } from '../../domain/model/model.js';
import { sprintEnded } from '../../domain/policy/sprint.js';
import type { FleetStatus, HandoffFacts, HostStatus, IntegrationStatus } from '../../domain/status/status-schema.js';
import { fleetStatus } from '../../domain/status/status-render.js';
import { sameItems } from '../../domain/model/same-items.js';
import { statusPieces, withUpdatedAt } from '../../domain/status/status-text.js';
import type { Fleet } from '../../fleet/handle.js';
import { sprintMetrics } from '../../domain/status/metrics.js';
import { repositoryStats, type AgentKindStats } from '../../domain/learning/agent-stats.js';
import type { ModelStore } from '../sources/model-store.js';

const HEARTBEAT_MS = 15_000;

/**
 * status.json, rendered in this one place from the model store alone, and written only when anything a reader sees
 * changed (the heartbeat alone only every HEARTBEAT_MS).
 */
export class StatusView {
  private lastHeartbeat = 0;
  /** When status.json was last brought up to date with the model (or found so). */
  private lastWrite = 0;
  /** The pieces of the last status written, its updatedAt left empty: what the next one is compared with. */
  private lastPieces: readonly string[] = [];
  /** What status.json was last built from, and whether a source has news since: a quiet clock pass builds nothing. */
  private inputs: readonly unknown[] = [];
  private poked = true;

  /** `written`: told each status written, for the views made from it (a boxed worker's, in its door). */
  constructor(
    private readonly fleet: Fleet,
    private readonly store: ModelStore,
    private readonly written?: (status: FleetStatus) => Promise<void>,
  ) {}

  /** Whether status.json was written (or found unchanged) less than `ms` ago. */
  writtenWithin(ms: number): boolean {
    return Date.now() - this.lastWrite < ms;
  }

  /** A source has news the inputs below do not show. */
  poke(): void {
    this.poked = true;
  }

  /** Writes status.json if it changed. */
  async write(alive: boolean, startedAt: string): Promise<void> {
    const now = Date.now();
    this.lastWrite = now;
    if (alive && now - this.lastHeartbeat >= HEARTBEAT_MS) this.lastHeartbeat = now;
    const model = this.store.model;
    // The model keeps its identity through a pass that changed nothing; the sources that keep news outside it poke.
    const inputs = [model, this.lastHeartbeat, this.store.history, this.store.extrasVersion];
    if (alive && !this.poked && inputs.every((input, index) => input === this.inputs[index])) return;
    this.poked = false;
    this.inputs = inputs;
    const supervisor = alive
      ? { supervisor: { pid: process.pid, heartbeatAt: new Date(this.lastHeartbeat).toISOString() } }
      : {};
    const ratesAt = this.lastHeartbeat === 0 ? now : this.lastHeartbeat;
    const fleetFacts = fleetStatus(
      model,
      { project: this.fleet.config.project, startedAt, now, ratesAt, ...supervisor },
      this.store.extras,
    );
    const facts = {
      ...fleetFacts,
      sprintOver: sprintEnded(model),
      ...integrationPart(model),
      ...hostsPart(model),
      ...agentsPart(model),
    };
    // The metrics' rates move with the heartbeat, not every second.
    const status = { ...facts, metrics: sprintMetrics(facts, this.store.history, ratesAt) };
    const comparable = statusPieces({ ...status, updatedAt: '' });
    // While the disk is full, every pass tries again: the first write that goes through says there is room.
    if (model.stateDirFull === undefined && sameItems(comparable, this.lastPieces)) return;
    try {
      writePiecesAtomicSync(this.fleet.paths.status, [...withUpdatedAt(comparable, status.updatedAt), '\n']);
    } catch (error) {
      // Not written: the next pass builds and tries again, and a disk with no space left is a fact for decide().
      this.inputs = [];
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOSPC' && code !== 'EDQUOT') throw error;
      const full = `${this.fleet.paths.status} (${code})`;
      if (model.stateDirFull !== full) this.store.change((fleet) => ({ ...fleet, stateDirFull: full }));
      return;
    }
    this.lastPieces = comparable;
    await this.written?.(status);
    if (model.stateDirFull !== undefined) this.store.change((fleet) => ({ ...fleet, stateDirFull: undefined }));
  }
}

/**
 * The integration part of status.json. Before the first run there is no record, but every finished worker is still
 * listed, as left out with its reason.
 */
function integrationPart(model: FleetModel): { integration?: IntegrationStatus; handoff?: HandoffFacts } {
  const seen = model.integration;
  if (seen === undefined) return {};
  const record = seen.record ?? emptyRecord(seen.branch, model.base, '');
  const mergedTips = new Set(record.merged.map((entry) => entry.tip));
  return {
    integration: integrationStatus(record, candidatesOf(model, mergedTips), seen.pullRequests),
    ...(seen.handoff === undefined ? {} : { handoff: seen.handoff }),
  };
}

/** The `agents` part: this repository's record, once there is one. */
function agentsPart(model: FleetModel): { agents?: AgentKindStats[] } {
  const agents = repositoryStats(model.learning);
  return agents === undefined || agents.length === 0 ? {} : { agents };
}

/** The `hosts` part of status.json; none when every worker is local. */
function hostsPart(model: FleetModel): { hosts?: HostStatus[] } {
  if (model.hostLinks === undefined) return {};
  // The host source puts every host in the links from its start (connecting until its stream says hello).
  const hosts = hostStatuses(
    model.workers.map((worker) => worker.spec),
    model.hostLinks,
    Date.now(),
  );
  return hosts.length === 0 ? {} : { hosts };
}
