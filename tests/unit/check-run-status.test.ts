import { describe, expect, it } from 'vitest';
import { checkRunStatus } from '../../src/domain/status/status-render.js';
import { FleetStatusSchema } from '../../src/domain/status/status-schema.js';
import { fixtureStatus } from '../fixtures/fleet-status.js';

const CHECKS = [
  { name: 'lint', run: 'npm run lint', timeoutMs: 60_000 },
  { name: 'unit', run: 'npm test', timeoutMs: 60_000 },
];
const SHA = 'a'.repeat(40);
const AT = Date.parse('2025-01-02T03:04:05.000Z');

describe('checkRunStatus: the latest check run in status.json', () => {
  it('names the commit, the result and every check in order; a pass has no failure', () => {
    expect(checkRunStatus({ sha: SHA, status: 'passed', at: AT }, CHECKS)).toEqual({
      commit: SHA,
      state: 'passed',
      at: '2025-01-02T03:04:05.000Z',
      checks: ['lint', 'unit'],
    });
  });

  it("keeps a failure's check, command and tail with its controls pictured, and leaves out an exit code a signal took", () => {
    const failure = {
      name: 'unit',
      run: 'npm test',
      exitCode: undefined,
      timedOut: false,
      tail: 'ok\n\x1b[2Jbad',
      logFile: '/s/unit.log',
    };
    const status = checkRunStatus({ sha: SHA, status: 'failed', failure, at: AT }, CHECKS);
    expect(status.failure).toEqual({
      check: 'unit',
      run: 'npm test',
      timedOut: false,
      tail: 'ok\n␛[2Jbad',
      log: '/s/unit.log',
    });
    const worker = { ...fixtureStatus.workers[0], checks: status };
    expect(FleetStatusSchema.safeParse({ ...fixtureStatus, workers: [worker] }).success).toBe(true);
  });
});
