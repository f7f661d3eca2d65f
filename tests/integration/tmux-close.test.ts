import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { tempDir } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';

describe('Tmux.close', () => {
  test('leaves no server behind: a session being made when it is called is waited for and killed, and a later one is refused', async () => {
    const server = privateTmux();
    const tmux = new Tmux(server.socket);
    const dir = await tempDir();
    // A launch still under way when the demo's terminal closed: its new-session is on its way to the server.
    const making = tmux.newSession({ name: 'early', cwd: dir, argv: ['sleep', '600'] });
    const closing = tmux.close();
    await expect(tmux.newSession({ name: 'late', cwd: dir, argv: ['sleep', '600'] })).rejects.toThrow(
      /shut down for good/,
    );
    await closing;
    await making.catch(() => undefined);
    expect(await server.serverRunning()).toBe(false);
  });
});
