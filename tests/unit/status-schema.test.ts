import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fleetStatus, withCzarLiveness } from '../../src/domain/status/status-render.js';
import { FleetStatusSchema, statusJsonSchema } from '../../src/domain/status/status-schema.js';
import { fixtureStatus as sampleStatus } from '../fixtures/fleet-status.js';
import { fleet, policy, spec } from '../helpers/fleet.js';

describe('the status file interface', () => {
  it('status/status.schema.json is the generated schema', () => {
    const committed: unknown = JSON.parse(
      readFileSync(new URL('../../status/status.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed, 'status/status.schema.json is out of date; run "npm run schemas" and commit it').toEqual(
      statusJsonSchema(),
    );
  });

  it('accepts the dashboard fixture fleet and rejects an unknown state', () => {
    expect(FleetStatusSchema.safeParse(sampleStatus).success).toBe(true);
    const broken = { ...sampleStatus, workers: [{ ...sampleStatus.workers[0], state: 'sleeping' }] };
    expect(FleetStatusSchema.safeParse(broken).success).toBe(false);
  });

  it('what the czar writes for an empty fleet matches the schema once serialised', () => {
    const status = fleetStatus(
      { workers: [], queue: [], paused: false, base: 'main', policy: policy() },
      { project: 'p', startedAt: new Date(0).toISOString(), now: 1000 },
      new Map(),
    );
    expect(FleetStatusSchema.safeParse(JSON.parse(JSON.stringify(status))).success).toBe(true);
    expect(status.sprintOver).toBe(true);
  });

  it('drops the supervisor entry of a czar that is no longer alive, and keeps a live one', () => {
    const written = { ...sampleStatus, supervisor: { pid: 4242, heartbeatAt: sampleStatus.updatedAt } };
    expect(withCzarLiveness(written, true).supervisor).toEqual({ pid: 4242, heartbeatAt: sampleStatus.updatedAt });
    expect(withCzarLiveness(written, false).supervisor).toBeUndefined();
    expect(withCzarLiveness(written, false).workers).toBe(written.workers);
  });

  it("says each worker's place, so a view asks it rather than whether a host is set", () => {
    const box = { mode: 'on', allowHosts: [], writable: [], prompts: 'skip' } as const;
    const model = fleet([spec('here'), spec('boxed', { sandbox: box }), spec('remote', { host: 'gpu1' })]);
    const status = fleetStatus(model, { project: 'p', startedAt: new Date(0).toISOString(), now: 1000 }, new Map());
    expect(status.workers.map((worker) => [worker.name, worker.place, worker.host])).toEqual([
      ['here', 'worktree', undefined],
      ['boxed', 'box', undefined],
      ['remote', 'host', 'gpu1'],
    ]);
    expect(FleetStatusSchema.safeParse(JSON.parse(JSON.stringify(status))).success).toBe(true);
  });
});
