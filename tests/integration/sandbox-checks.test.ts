import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { watchedPort } from '../helpers/ports.js';
import { withoutBoxEngine } from '../helpers/cleanup.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';

describe.skipIf(!existsSync('/usr/bin/bwrap'))('the checks of a boxed worker', () => {
  it('run in a box of their own: the worker’s code they run writes nothing outside and reaches no network', async () => {
    const port = await watchedPort();
    const outside = await mkdtemp(path.join(tmpdir(), 'czar-check-outside-'));
    const escaped = path.join(outside, 'escaped');
    const home = path.join(homedir(), `.czar-check-escaped-${path.basename(outside)}`);
    onTestFinished(async () => {
      await Promise.all([rm(outside, { recursive: true, force: true }), rm(home, { force: true })]);
    });
    const reach = `node -e "require('net').connect(${port.port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;
    const fx = await fleetFixture({
      checks: [{ name: 'escape', run: `touch '${escaped}' ; touch '${home}' ; ${reach} ; test -f src/boxed.ts` }],
      workers: [
        {
          name: 'boxed',
          task: '# Boxed\n@sim write src/boxed.ts export const boxed = 1;\\n\n@sim commit boxed: add boxed\n@sim done boxed in',
          sandbox: 'required',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();

    await fx.waitForEvent('integrated', 'boxed', { timeoutMs: 90_000 });
    expect(existsSync(escaped), 'a file the check wrote outside its box').toBe(false);
    expect(existsSync(home), 'a file the check wrote in the home').toBe(false);
    expect(port.reached(), 'the check reached a loopback port').toBe(false);
  });
});

describe.skipIf(!existsSync('/usr/bin/bwrap'))(
  'the checks of a worker launched boxed, where the czar finds no engine',
  () => {
    it('do not run unboxed: they wait for the box, with sandbox: on as with required', async () => {
      const outside = await mkdtemp(path.join(tmpdir(), 'czar-check-unboxed-'));
      onTestFinished(() => rm(outside, { recursive: true, force: true }));
      const fx = await fleetFixture({
        checks: [{ name: 'mark', run: `touch '${outside}'/"$CZAR_WORKER"` }],
        workers: ['on', 'required'].map((mode) => ({
          name: mode,
          task: `# ${mode}\n@sim write src/${mode}.ts export const x = 1;\\n\n@sim commit ${mode}: add\n@sim done ${mode} in`,
          sandbox: mode as 'on' | 'required',
        })),
      });
      await fx.launchWave();
      // The czar that supervises them finds no engine (uninstalled since, or its trial failed on a loaded machine).
      withoutBoxEngine();
      await fx.supervise();

      const unrun = (name: string, status: FleetStatus): string | undefined =>
        status.workers.find((worker) => worker.name === name)?.alerts.find((alert) => alert.kind === 'checks_unrun')
          ?.message;
      const status = await fx.waitForStatus(
        (current) => unrun('on', current) !== undefined && unrun('required', current) !== undefined,
        { timeoutMs: 60_000, what: 'both workers alerted that their checks were not run' },
      );
      expect(unrun('on', status)).toContain('its agent was launched in one');
      expect(unrun('required', status)).toContain('no sandbox engine now (CZAR_BWRAP=none)');
      expect(status.workers.map((worker) => worker.state)).toEqual(['done', 'done']);
      expect(existsSync(path.join(outside, 'on')), 'the check of the worker boxed with sandbox: on ran unboxed').toBe(
        false,
      );
      expect(
        existsSync(path.join(outside, 'required')),
        'the check of the worker with sandbox: required ran unboxed',
      ).toBe(false);
    });

    it('nor does the reviewer of a worker launched boxed with sandbox: on', async () => {
      const outside = await mkdtemp(path.join(tmpdir(), 'czar-review-unboxed-'));
      onTestFinished(() => rm(outside, { recursive: true, force: true }));
      const marker = path.join(outside, 'reviewed');
      const fx = await fleetFixture({
        workers: [
          {
            name: 'on',
            task: '# On\n@sim write src/on.ts export const on = 1;\\n\n@sim commit on: add\n@sim done on in',
            sandbox: 'on',
          },
        ],
        // A reviewer that leaves a mark where only an unboxed process could.
        agents: () => ({
          judge: {
            command: process.execPath,
            review_args: [
              '-e',
              `require('fs').writeFileSync(${JSON.stringify(marker)}, ''); console.log(JSON.stringify({ verdict: 'approve', summary: 'ok', findings: [] }))`,
            ],
          },
        }),
        review: { agent: 'judge', timeout: '60s' },
        policy: { bonus: 'off' },
      });
      await fx.launchWave();
      withoutBoxEngine();
      await fx.supervise();

      const failed = await fx.waitForEvent('review_failed', 'on', { timeoutMs: 60_000 });
      expect(existsSync(marker), 'the reviewer ran unboxed').toBe(false);
      expect(failed.message).toContain('the reviewer of worker "on" must run in a box (its agent was launched in one)');
    });
  },
);
