import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';

// A report's result file is a path the worker names. A boxed worker names it as its box shows it: one it wrote in its
// door is read there, and one outside its box (which czar, outside, could read) is refused, never copied.
describe.skipIf(!existsSync('/usr/bin/bwrap'))("a boxed worker's result file", () => {
  it('is read in its door when written there, and refused when it names a file outside its box', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'summary',
          sandbox: 'required',
          task: '# Summary\n@sim result SUMMARY-OF-WORK\n@sim done summed up\n@sim hang',
        },
      ],
    });
    const secret = path.join(fx.root, 'secret.txt');
    await writeFile(secret, 'SECRET-OUTSIDE\n');
    await fx.launchWave();
    await fx.supervise();

    const done = await fx.waitForEvent('report', 'summary', { match: (event) => event.message.includes('done') });
    expect(done.message).toContain('summed up');
    const copy = path.join(fx.root, '.czar', 'results', 'summary.md');
    expect(await readFile(copy, 'utf8')).toContain('SUMMARY-OF-WORK');
    expect((await fx.events()).filter((event) => event.kind === 'bad_report')).toEqual([]);

    // A line written straight into its door naming a file outside its box.
    const stream = path.join(fx.root, '.czar', 'doors', 'summary', 'reports', 'summary.jsonl');
    const line = {
      worker: 'summary',
      state: 'working',
      at: new Date().toISOString(),
      source: 'cli',
      seq: 50,
      resultFile: secret,
    };
    await writeFile(stream, `${JSON.stringify(line)}\n`, { flag: 'a' });
    const refused = await fx.waitForEvent('bad_report', 'summary');
    expect(refused.message).toContain('outside its box');
    expect(await readFile(copy, 'utf8')).not.toContain('SECRET-OUTSIDE');
  });
});
