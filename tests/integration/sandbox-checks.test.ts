import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { watchedPort } from '../helpers/ports.js';

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
