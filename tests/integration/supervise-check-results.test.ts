import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.js';
import { openFleet } from '../../src/launch/fleet.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';

/** A check that notes each run of itself, by worker, in a file at the fixture's root (three folders up). */
const counted = (name: string): string => `echo "${name} $CZAR_WORKER" >> ../../../runs.log`;

describe('czar supervision: check results outlive the czar', () => {
  it('a restarted czar keeps the verdicts at the same commit: no check runs again, no second "verified"', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' }],
      checks: [{ name: 'one', run: counted('one'), timeout: '30s' }],
      integration: { checks: [] },
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    const runs = async (): Promise<string[]> => (await readFile(path.join(fx.root, 'runs.log'), 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
    await fx.launchWave();
    const first = await fx.supervise();
    await fx.waitForStatus((s) => workerIn(s, 'fin').state === 'verified' && s.sprintOver, { what: 'fin verified and the sprint over' });
    expect(await runs()).toEqual(['one fin']);
    await first.stop();
    expect((await fx.status())?.supervisor).toBeUndefined();

    // The same config: the pass at this commit stands, with no new run, no second "verified" and no "done" in between.
    const restartedAt = (await fx.events()).length;
    await fx.supervise();
    await fx.waitForStatus((s) => s.supervisor?.pid === process.pid && workerIn(s, 'fin').state === 'verified' && s.sprintOver, { what: 'the restarted czar settled' });
    const afterRestart = (await fx.events()).slice(restartedAt);
    expect(afterRestart.filter((event) => ['checks_started', 'checks_passed', 'state', 'notify'].includes(event.kind)).map((event) => `${event.kind} ${event.message}`)).toEqual([]);
    expect(await runs()).toEqual(['one fin']);
  });

  it('an edit that adds a check runs only that check on the restart', async () => {
    const fx = await fleetFixture({
      workers: [{ name: 'fin', task: '# Finish\n@sim write src/fin.ts export {};\\n\n@sim commit fin\n@sim done finished' }],
      checks: [{ name: 'one', run: counted('one'), timeout: '30s' }],
      integration: { checks: [] },
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    const runs = async (): Promise<string[]> => (await readFile(path.join(fx.root, 'runs.log'), 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
    await fx.launchWave();
    const first = await fx.supervise();
    await fx.waitForStatus((s) => workerIn(s, 'fin').state === 'verified' && s.sprintOver, { what: 'fin verified and the sprint over' });
    await first.stop();

    const written = parse(await readFile(fx.configFile, 'utf8')) as { checks: unknown[] };
    written.checks.push({ name: 'two', run: counted('two'), timeout: '30s' });
    await writeFile(fx.configFile, stringify(written));
    const edited = new Supervisor(openFleet(await loadConfig(fx.configFile)));
    onTestFinished(() => edited.stop());
    await edited.start();
    await fx.waitForEvent('checks_passed', 'fin', { match: (event) => /2 check/.test(event.message) });
    await fx.waitForStatus((s) => workerIn(s, 'fin').state === 'verified' && s.sprintOver, { what: 'fin verified again after the edit' });
    expect(await runs()).toEqual(['one fin', 'two fin']);
  });
});
