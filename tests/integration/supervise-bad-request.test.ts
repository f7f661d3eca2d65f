import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { askCzar } from '../../src/fleet/requests.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: a request file the czar cannot take', () => {
  it('is answered with why, so the command that wrote it never waits for nothing; one in bounds still works', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'a', task: '# Wait\n@sim idle' }] });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => status.supervisor !== undefined, { what: 'the first status' });

    // As an older or broken writer would leave it: a line no file has, past what JSON numbers hold exactly.
    const id = `${Date.now()}-badline`;
    const requests = fx.fleet.paths.requests;
    await writeFile(
      path.join(requests, `${id}.json`),
      `{"id":"${id}","kind":"comment","worker":"a","file":"src/a.ts","line":99999999999999999999,"text":"x"}`,
    );
    const answer = await waitFor(
      async () =>
        JSON.parse(await readFile(path.join(requests, `${id}.result.json`), 'utf8')) as {
          ok: boolean;
          message: string;
        },
      { what: 'the answer to the malformed request' },
    );
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(
      /^The czar cannot take this request \(line: Too big: [^)]*\), so nothing was done; /,
    );
    await fx.waitForEvent('bad_request');

    // The command side refuses the same before it writes anything.
    await expect(
      askCzar(fx.fleet.paths, { kind: 'comment', worker: 'a', file: 'src/a.ts', line: 1e20, text: 'x' }),
    ).rejects.toThrow(
      /^The "comment" request is not one the czar takes \(line: Too big: [^)]*\), so it was not sent; /,
    );
    const fine = await askCzar(fx.fleet.paths, { kind: 'comment', worker: 'a', file: 'src/a.ts', line: 3, text: 'x' });
    expect(fine.ok).toBe(true);
  });
});
