import { describe, expect, it } from 'vitest';
import { looksLikeStatus } from '../../src/domain/status/status-shape.js';
import { FleetStatusSchema } from '../../src/domain/status/status-schema.js';
import { fixtureStatus } from '../fixtures/fleet-status.js';

describe('looksLikeStatus: the quick check of a live czar status file', () => {
  it('takes what the schema takes', () => {
    expect(FleetStatusSchema.safeParse(fixtureStatus).success).toBe(true);
    expect(looksLikeStatus(fixtureStatus)).toBe(true);
  });

  it('refuses a file missing any field czar status reads, or holding it with the wrong type', () => {
    const worker = fixtureStatus.workers[0];
    for (const bad of [
      null,
      [],
      { ...fixtureStatus, project: 7 },
      { ...fixtureStatus, workers: {} },
      { ...fixtureStatus, workers: [{ ...worker, git: undefined }] },
      { ...fixtureStatus, workers: [{ ...worker, alerts: [{ kind: 1 }] }] },
      { ...fixtureStatus, supervisor: { pid: '12' } },
      { ...fixtureStatus, integration: { branch: 'czar/integration', holds: [1], conflicts: [], pullRequests: [] } },
    ])
      expect(looksLikeStatus(bad), JSON.stringify(bad)?.slice(0, 80)).toBe(false);
  });
});
