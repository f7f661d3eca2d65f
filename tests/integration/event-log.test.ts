import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { statePaths } from '../../src/domain/model/paths.js';
import { EventLog } from '../../src/fleet/handle.js';
import { tempDir } from '../helpers/git-repo.js';

describe('event log', () => {
  it('keeps the order events were emitted in, even when nobody waits for each line', async () => {
    const paths = statePaths(await tempDir('czar-events-'));
    const log = new EventLog(paths);
    // The executor emits a pass's events without awaiting them: a state change, then the launch it allows.
    const emitted = Array.from({ length: 300 }, (_, index) => log.emit('step', `event ${index}`, 'w'));
    await Promise.all(emitted);
    const lines = (await readFile(paths.events, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(
      Array.from({ length: 300 }, (_, index) => `event ${index}`),
    );
    expect(log.emitted).toBe(300);
  });
});
