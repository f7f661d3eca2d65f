import { spawn } from 'node:child_process';
import { describe, expect, onTestFinished, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { tempDir } from '../helpers/git-repo.js';
import { alive } from '../helpers/processes.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

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

describe('Tmux.killServer', () => {
  test('ends the server before its agents, so a czar watching never sees an agent end while its server runs', async () => {
    const server = privateTmux();
    const dir = await tempDir();
    // An agent that ignores tmux's hang-up, as some do: it must be killed all the same.
    await server.newSession({ name: 'agent', cwd: dir, argv: ['sh', '-c', 'trap "" HUP; sleep 600 & wait'] });
    const [pane] = await server.listPanes();
    if (pane === undefined) throw new Error('no agent pane');
    const agentPid = pane.pid;
    let agentRanAtKill: boolean | undefined;
    class Watched extends Tmux {
      override async cmd(args: readonly string[], options?: { input?: string; allowFailure?: boolean }) {
        if (args[0] === 'kill-server')
          // A kill sent before this call lands within moments; one not sent leaves the agent running.
          agentRanAtKill = await waitFor(async () => !(await alive(agentPid)), { timeoutMs: 1000 }).then(
            () => false,
            () => true,
          );
        return super.cmd(args, options);
      }
    }
    await new Watched(server.socket).killServer();
    expect(agentRanAtKill).toBe(true);
    expect(await server.serverRunning()).toBe(false);
    // Its process group did not outlive the fleet.
    await waitFor(async () => !(await alive(agentPid)), { what: 'the agent to be killed' });
  });

  test('ends a server whose client never answers (a stopped control client): the server does not outlive the kill', async () => {
    const server = privateTmux();
    const dir = await tempDir();
    await server.newSession({ name: 'agent', cwd: dir, argv: ['sleep', '600'] });
    const serverPid = Number((await server.cmd(['display-message', '-p', '#{pid}'])).stdout.trim());
    // A control client of a czar that went away without it, stopped here so that it answers nothing, as that one did.
    const client = spawn('tmux', ['-L', server.socket, '-C', 'attach-session', '-t', '=agent'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    onTestFinished(() => void client.kill('SIGKILL'));
    await waitFor(
      async () => (await server.cmd(['list-clients', '-F', '#{client_pid}'])).stdout.includes(String(client.pid)),
      {
        what: 'the control client to attach',
      },
    );
    process.kill(client.pid ?? 0, 'SIGSTOP');
    await new Tmux(server.socket).killServer();
    await waitFor(async () => !(await alive(serverPid)), { what: 'the server to end', timeoutMs: 5000 });
  });
});
