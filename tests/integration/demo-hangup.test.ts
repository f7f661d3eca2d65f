import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fleetAgentFiles } from '../../src/adapters/private-files.js';
import { cleanEnv } from '../../src/adapters/process.js';
import { Tmux } from '../../src/adapters/tmux.js';
import { CZAR_BIN } from '../helpers/cli.js';
import { processesNaming } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

/** Starts `czar demo` as a terminal would run it (no terminal here: it follows the events), and finds its fleet. */
async function startDemo(
  args: readonly string[] = [],
): Promise<{ child: ReturnType<typeof execa>; root: string; agentFiles: string; tmux: Tmux }> {
  const child = execa(process.execPath, [CZAR_BIN, 'demo', ...args], {
    env: cleanEnv(),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    buffer: false,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const root = await waitFor(() => /czar demo in (\S+):/.exec(output)?.[1], {
    timeoutMs: 30_000,
    what: "the demo's first line",
  });
  const project = /^project: (\S+)$/m.exec(readFileSync(path.join(root, 'czar.yaml'), 'utf8'))?.[1] ?? '';
  const tmux = new Tmux(`czar-${project}`);
  // Its workers' agent files, which czar keeps in the person's cache, outside the demo's folder.
  const agentFiles = fleetAgentFiles(project, path.join(root, '.czar'));
  onTestFinished(async () => {
    child.kill('SIGKILL');
    await tmux.killServer();
    await Promise.all([root, agentFiles].map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return { child, root, agentFiles, tmux };
}

describe('czar demo', () => {
  it('takes its fleet and its throwaway repository down when its terminal closes (SIGHUP)', async () => {
    const { child, root, agentFiles, tmux } = await startDemo();
    // The czar and the workers are up: four agents and the czar, each in its own pane.
    const panes = await waitFor(
      async () => {
        const live = (await tmux.listPanes()).filter((pane) => !pane.dead);
        return live.length >= 4 ? live : undefined;
      },
      { timeoutMs: 60_000, what: 'the demo fleet running' },
    );
    expect(existsSync(agentFiles)).toBe(true);

    child.kill('SIGHUP');
    await child;
    // kill-server returns once the server is told; it answers no more moments later (under load, not at once).
    await waitFor(async () => !(await tmux.serverRunning()), { what: 'the demo tmux server gone' });
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await waitFor(() => panes.every((pane) => !alive(pane.pid)), { what: 'every demo process gone' });
    expect(existsSync(root)).toBe(false);
    expect(existsSync(agentFiles)).toBe(false);
    // Nor does any process of its own live on outside the server: the boxes' network door among them.
    expect(await processesNaming(root)).toEqual([]);
  });

  it("keeps the folder it was given when its terminal closes, and removes its workers' agent files", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'czar-demo-dir-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { child, root, agentFiles, tmux } = await startDemo(['--dir', dir]);
    expect(root).toBe(dir);
    await waitFor(async () => (await tmux.listPanes()).filter((pane) => !pane.dead).length >= 4, {
      timeoutMs: 60_000,
      what: 'the demo fleet running',
    });
    expect(existsSync(agentFiles)).toBe(true);
    child.kill('SIGHUP');
    await child;
    await waitFor(async () => (await processesNaming(dir)).length === 0, { what: `no process of the demo in ${dir}` });
    expect(existsSync(path.join(dir, 'shop', '.git'))).toBe(true);
    expect(existsSync(agentFiles)).toBe(false);
  });

  it('gives two demos at once two tmux servers, and a hang-up mid-launch leaves nothing of either', async () => {
    const [first, second] = await Promise.all([startDemo(), startDemo()]);
    expect(first.tmux.socket).not.toBe(second.tmux.socket);
    first.child.kill('SIGHUP');
    second.child.kill('SIGHUP');
    await Promise.all([first.child, second.child]);
    // The launch was still going: whatever it started after the hang-up ends, and no folder of theirs comes back.
    for (const demo of [first, second]) {
      await waitFor(async () => (await processesNaming(demo.root)).length === 0, {
        what: `no process of the demo in ${demo.root}`,
      });
      expect(existsSync(demo.root)).toBe(false);
      expect(existsSync(demo.agentFiles)).toBe(false);
    }
  });
});
