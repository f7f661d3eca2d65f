import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/adapters/state-files.js';
import { reportFile } from '../../src/domain/model/paths.js';
import type { WorkerReport } from '../../src/domain/model/report-schema.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: what the real agents signal', () => {
  it("keeps a worker done when its turn ends right after its done report, as Claude Code's Stop hook does", async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'finisher',
          task: '# Finish\n@sim write src/f.ts export const f = 1;\\n\n@sim commit f: one file\n@sim done all in',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();

    // The sim ends its turn after the done report, as a Stop hook does about 0.2 s later.
    const file = reportFile(fx.fleet.paths, 'finisher');
    const turnEnd = await waitFor(
      async () => {
        const report = await readJson<WorkerReport>(file);
        return report?.source === 'sim:turn-end' ? report : undefined;
      },
      { timeoutMs: 30_000, what: 'the turn-end report after done' },
    );
    expect(turnEnd.state).toBe('done');
    // A pass of the czar that saw the turn end: the state stays done and nothing was sent to the finished worker.
    const seenAt = Date.now();
    const status = await fx.waitForStatus((s) => Date.parse(s.updatedAt) > seenAt + 500, {
      what: 'a status written after the turn end',
    });
    expect(workerIn(status, 'finisher').state).toBe('done');
    const events = (await fx.events()).filter((event) => event.worker === 'finisher');
    expect(events.filter((event) => event.kind === 'state').map((event) => event.message)).not.toContain(
      'done -> idle',
    );
    expect(events.map((event) => event.kind)).not.toContain('nudge');
  });

  it("alerts the person at once, naming the failure and the agent's words, when every model call is refused (HTTP 400)", async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'refused', task: '# Refused\n@sim api-error 400 prompt is too long' }],
    });
    await fx.launchWave();
    await fx.supervise();

    const status = await fx.waitForStatus((s) => workerIn(s, 'refused').state === 'api_error', {
      what: 'refused in api_error',
    });
    const alert = workerIn(status, 'refused').alerts.find((a) => a.kind === 'api_error');
    expect(alert?.message).toMatch(/invalid request/);
    expect(alert?.message).toContain('API Error: 400 prompt is too long');
    await fx.waitForEvent('notify', 'refused', { match: (event) => /invalid request/.test(event.message) });
    // Past idle_after and escalate_after (3 s and 4 s in the fixture): still no nudge, re-brief or restart.
    const later = Date.now() + 8_000;
    await fx.waitForStatus((s) => Date.parse(s.updatedAt) > later, {
      timeoutMs: 40_000,
      what: 'a status written 8 s later',
    });
    const kinds = (await fx.events()).filter((event) => event.worker === 'refused').map((event) => event.kind);
    expect(kinds.filter((kind) => ['nudge', 'rebrief', 'restart'].includes(kind))).toEqual([]);
  });

  it('waits out a rate limit with backoff, then sends one "continue" message that reaches the agent', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'limited', task: '# Limited\n@sim api-error 429 slow down' }] });
    await fx.launchWave();
    await fx.supervise();

    const status = await fx.waitForStatus((s) => workerIn(s, 'limited').state === 'api_error', {
      what: 'limited in api_error',
    });
    expect(workerIn(status, 'limited').alerts.find((a) => a.kind === 'api_error')?.message).toMatch(
      /rate limit.*Request rejected \(429\) · slow down/,
    );
    const nudge = await fx.waitForEvent('nudge', 'limited');
    expect(nudge.message).toMatch(/rate limit/);
    await fx.waitForEvent('message_delivered', 'limited');
    const got = await waitFor(
      async () => {
        const captures = await fx.captures('limited');
        return captures.length >= 2 ? captures : undefined;
      },
      { what: 'the continue message in the sim capture' },
    );
    expect(got[1]).toMatch(/continue with your task/);
    // The continue took: the agent works again, and no second continue, re-brief or notification followed.
    const kinds = (await fx.events()).filter((event) => event.worker === 'limited').map((event) => event.kind);
    expect(kinds.filter((kind) => kind === 'nudge')).toHaveLength(1);
    expect(kinds).not.toContain('rebrief');
  });
});
