import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { run } from '../../src/adapters/process.js';
import { Tmux } from '../../src/adapters/tmux.js';
import { tempDir } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** The control clients attached to the server, asked by a process of its own. */
async function controlClients(socket: string): Promise<number[]> {
  const result = await run('tmux', ['-L', socket, 'list-clients', '-F', '#{client_control_mode} #{client_pid}'], {
    allowFailure: true,
  });
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('1 '))
    .map((line) => Number(line.slice(2)));
}

/** A server with one session and an adapter whose commands now go through its control client. */
async function connected(): Promise<{ tmux: Tmux; notices: string[]; pid: number }> {
  const server = privateTmux();
  await server.newSession({ name: 'one', cwd: await tempDir(), argv: ['sleep', '600'] });
  const tmux = new Tmux(server.socket);
  tmux.useControl();
  const notices: string[] = [];
  tmux.onFallback = (message) => notices.push(message);
  // The first commands prove the server runs; the next one starts the client.
  await tmux.listSessions();
  await tmux.listSessions();
  await tmux.listSessions();
  const [pid] = await controlClients(server.socket);
  expect(pid).toBeGreaterThan(0);
  return { tmux, notices, pid: pid ?? 0 };
}

describe('the tmux control-mode connection', () => {
  test('answers concurrent commands in order, each with its own reply, and fails as a process would', async () => {
    const { tmux } = await connected();
    const asked = Array.from({ length: 100 }, (_, i) => `reply ${i} "$HOME" ~x;`);
    const answers = await Promise.all(asked.map((text) => tmux.cmd(['display-message', '-p', text])));
    expect(answers.map((answer) => answer.stdout)).toEqual(asked.map((text) => `${text}\n`));
    await expect(tmux.cmd(['has-session', '-t', '=nosuch'])).rejects.toThrow(
      `"tmux -L ${tmux.socket} has-session -t =nosuch" exited with 1: can't find session: nosuch.`,
    );
    expect(await controlClients(tmux.socket)).toHaveLength(1);
  });

  test('falls back to processes when its client is killed, running every command once, says so once, and reconnects', async () => {
    const { tmux, notices, pid } = await connected();
    const count = 150;
    const writes = Array.from({ length: count }, (_, i) =>
      tmux.cmd(['set-buffer', '-a', '-b', 'log', `${i},`]).then(() => tmux.cmd(['display-message', '-p', `r${i}`])),
    );
    process.kill(pid, 'SIGKILL');
    const reads = await Promise.all(writes);
    expect(reads.map((read) => read.stdout)).toEqual(reads.map((_, i) => `r${i}\n`));
    // A control reply is whole lines: the buffer's text comes back with a newline after it.
    const log = (await tmux.cmd(['show-buffer', '-b', 'log'])).stdout
      .trim()
      .split(',')
      .filter((entry) => entry !== '');
    expect(log.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/control connection to server ".+" closed/);
    await waitFor(
      async () => {
        await tmux.listSessions();
        const clients = await controlClients(tmux.socket);
        return clients.length === 1 && clients[0] !== pid;
      },
      { what: 'a new control client' },
    );
  });

  test('is attached only by an adapter that asks for it: a short-lived command keeps to processes', async () => {
    // Every attach is a moment in which tmux up to 3.6a can crash (TmuxServer.useControl): a worker's czar commands,
    // run while the fleet launches, must not add such moments.
    const { tmux } = await connected();
    const report = new Tmux(tmux.socket);
    for (let ask = 0; ask < 5; ask++) expect(await report.listSessions()).toEqual(['one']);
    expect(await controlClients(tmux.socket)).toHaveLength(1);
  });

  test('keeps neither the server nor its own process alive', async () => {
    const { tmux } = await connected();
    // A process that used the adapter ends once its work is done, its control client with it.
    const script = `import { Tmux } from ${JSON.stringify(path.join(ROOT, 'dist', 'adapters', 'tmux.js'))};
      const tmux = new Tmux(${JSON.stringify(tmux.socket)});
      for (let i = 0; i < 4; i++) await tmux.listSessions();`;
    await run(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 20_000 });
    await waitFor(async () => (await controlClients(tmux.socket)).length === 1, { what: 'one control client left' });
    await run('tmux', ['-L', tmux.socket, 'kill-session', '-t', '=one']);
    await waitFor(async () => !(await tmux.serverRunning()), { what: 'the server to exit with its last session' });
  });
});
