import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bracketedPasteProbe, notePaneRespawned } from '../../src/adapters/pane-log.js';
import { tempDir } from '../helpers/git-repo.js';

describe('bracketedPasteProbe', () => {
  it('follows the mode as the log grows, across a sequence cut between two reads, and after a respawn', async () => {
    const log = path.join(await tempDir(), 'pane.log');
    const probe = bracketedPasteProbe(log);
    expect(await probe()).toBeUndefined();
    await writeFile(log, 'banner\r\nloading...');
    expect(await probe()).toBe(false);
    await appendFile(log, 'ready\x1b[?20');
    expect(await probe()).toBe(false);
    await appendFile(log, '04h> ');
    expect(await probe()).toBe(true);
    await appendFile(log, 'redraw without mode changes');
    expect(await probe()).toBe(true);
    // The agent died with bracketed paste on; its new run starts with it off until it says otherwise.
    await notePaneRespawned(log);
    expect(await probe()).toBe(false);
  });
});
