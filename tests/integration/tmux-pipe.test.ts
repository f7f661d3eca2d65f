import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { tempDir } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

describe('Tmux.pipePane', () => {
  test('is idempotent: piping a pane that is already piped keeps its log going (pipe-pane -o alone toggles it off)', async () => {
    const tmux = privateTmux();
    const dir = await tempDir();
    const log = path.join(dir, 'pane.log');
    const paneId = await tmux.newSession({ name: 'w', cwd: dir, argv: ['cat'], logFile: log });
    await tmux.pipePane(paneId, log);
    expect((await tmux.listPanes()).find((pane) => pane.paneId === paneId)?.piped).toBe(true);
    await tmux.sendKeys(paneId, ['after-adopt', 'Enter']);
    await waitFor(async () => (await readFile(log, 'utf8').catch(() => '')).includes('after-adopt'), {
      what: 'output in the log',
    });
  });
});
