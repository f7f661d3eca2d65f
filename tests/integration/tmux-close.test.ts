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

describe('Tmux.joinOnly', () => {
  test('a czar never brings a killed server back: its new-session fails once the server is gone, and makes none', async () => {
    const server = privateTmux();
    const dir = await tempDir();
    const starter = new Tmux(server.socket);
    await starter.newSession({ name: 'czar', cwd: dir, argv: ['sleep', '600'] });
    const czar = new Tmux(server.socket);
    czar.joinOnly();
    await czar.newSession({ name: 'worker', cwd: dir, argv: ['sleep', '600'] });
    expect((await czar.listPanes()).map((pane) => pane.session).sort()).toEqual(['czar', 'worker']);
    // The fleet is taken down while the czar still has a restart on its way.
    await starter.killServer();
    await expect(czar.newSession({ name: 'worker', cwd: dir, argv: ['sleep', '600'] })).rejects.toThrow();
    expect(await server.serverRunning()).toBe(false);
  });
});
