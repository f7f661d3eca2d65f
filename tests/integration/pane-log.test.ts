import { appendFile, open, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundPaneLog, bracketedPasteProbe, notePaneRespawned } from '../../src/adapters/pane-log.js';
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

describe('the bracketed paste probe of each message to a pane', () => {
  it('reads only what the log gained since the last message, and a log made anew from its start', async () => {
    const log = path.join(await tempDir(), 'pane.log');
    await writeFile(log, `\x1b[?2004h${'x'.repeat(3 << 20)}`);
    expect(await bracketedPasteProbe(log)()).toBe(true);
    // Bytes already read, changed where they lie (the log's size kept): a probe that read the log again from its
    // start would take this for the mode now.
    const handle = await open(log, 'r+');
    await handle.write('\x1b[?2004l', 100);
    await handle.close();
    expect(await bracketedPasteProbe(log)()).toBe(true);
    await appendFile(log, 'new turn \x1b[?2004l');
    expect(await bracketedPasteProbe(log)()).toBe(false);
    // The log removed and written again (a new fleet in the same folder) is read from its start, though longer.
    await rm(log);
    await writeFile(log, `\x1b[?2004h${'y'.repeat(4 << 20)}`);
    expect(await bracketedPasteProbe(log)()).toBe(true);
  });
});

describe('a pane log over its bound', () => {
  it('is cut back, and a probe of this czar or of one started since still finds the mode', async () => {
    const dir = await tempDir();
    const log = path.join(dir, 'pane.log');
    await writeFile(log, `\x1b[?2004h${'x'.repeat(2 << 20)}`);
    const probe = bracketedPasteProbe(log);
    expect(await probe()).toBe(true);
    expect(await boundPaneLog(log, 4 << 20), 'a log under its bound is cut').toBe(false);
    expect((await stat(log)).size).toBe((2 << 20) + 8);

    // The agent keeps drawing, past the bound; none of it is read before the cut.
    await appendFile(log, 'y'.repeat(3 << 20));
    expect(await boundPaneLog(log, 4 << 20)).toBe(true);
    expect((await stat(log)).size, 'the log after the cut').toBeLessThan(64);
    expect(await probe()).toBe(true);
    // A czar started after the cut reads the log from its start (another path to it is a reader of its own).
    const alias = path.join(dir, 'alias.log');
    await symlink(log, alias);
    expect(await bracketedPasteProbe(alias)()).toBe(true);
    // The cut log goes on growing as the program writes, and is read on from where the cut left it.
    await appendFile(log, 'exit\x1b[?2004l');
    expect(await probe()).toBe(false);
  });
});
