import { readEventsFrom } from '../adapters/state-files.js';
import { EMPTY_TALLY, sprintMetrics, tallyEvents, type EventTally } from '../domain/metrics.js';
import type { SprintMetrics, FleetStatus } from '../domain/status-schema.js';
import type { Fleet } from '../fleet/handle.js';

/**
 * The sprint metrics for status.json. The czar writes status.json on every change, so the event log is folded
 * incrementally: only the bytes appended since the last look are read, and only when there can be some: this czar
 * logged an event, or the heartbeat moved (lines that `czar up` or another command appended get in then).
 */
export class MetricsSource {
  private tally: EventTally = EMPTY_TALLY;
  private offset = 0;
  private seenEmitted = -1;
  private seenBeat = -1;

  constructor(private readonly fleet: Fleet) {}

  /** The metrics for `status`, their rates as of `beat` (the heartbeat: they change with it, not every second). */
  async metrics(status: FleetStatus, beat: number): Promise<SprintMetrics> {
    if (this.fleet.log.emitted !== this.seenEmitted || beat !== this.seenBeat) {
      this.seenEmitted = this.fleet.log.emitted;
      this.seenBeat = beat;
      const { events, offset, restarted } = readEventsFrom(this.fleet.paths, this.offset);
      this.tally = tallyEvents(restarted ? EMPTY_TALLY : this.tally, events);
      this.offset = offset;
    }
    return sprintMetrics(status, this.tally, beat);
  }
}
