import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJson } from '../../src/adapters/state-files.js';
import { CZAR_BIN_DIR } from '../../src/adapters/package-files.js';
import { reportFile, statePaths } from '../../src/domain/model/paths.js';
import type { WorkerReport } from '../../src/domain/model/report-schema.js';
import { launchedStateDir, TEST_PROOF } from '../helpers/state-dir.js';
import { tempDir } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { waitFor } from '../helpers/wait.js';

/** The PATH in a live process's own environment, as its children (an agent's shell tool) inherit it. */
async function pathOf(pid: number): Promise<string | undefined> {
  const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
  return environ
    .split('\0')
    .find((entry) => entry.startsWith('PATH='))
    ?.slice('PATH='.length);
}

/** The pane's process once it runs its program: between tmux's fork and exec, /proc shows the server's environment. */
async function panePid(tmux: ReturnType<typeof privateTmux>, paneId: string): Promise<number> {
  return waitFor(
    async () => {
      const pid = (await tmux.listPanes()).find((pane) => pane.paneId === paneId && !pane.dead)?.pid;
      if (pid === undefined) return undefined;
      const program = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')[0];
      return program === 'sleep' ? pid : undefined;
    },
    { what: `pane ${paneId} running its program` },
  );
}

describe("a worker pane's PATH", () => {
  it('carries the PATH czar asked for, in new-session and respawn-pane, on a new and on a running server', async () => {
    const tmux = privateTmux();
    const dir = await tempDir();
    const wanted = `${path.join(dir, 'first')}${path.delimiter}${process.env.PATH ?? ''}`;
    const first = await tmux.newSession({ name: 'one', cwd: dir, argv: ['sleep', '60'], env: { PATH: wanted } });
    expect(await pathOf(await panePid(tmux, first))).toBe(wanted);

    // The server is running now: a second session and a respawn must get their PATH too.
    const other = `${path.join(dir, 'second')}${path.delimiter}${process.env.PATH ?? ''}`;
    const second = await tmux.newSession({ name: 'two', cwd: dir, argv: ['sleep', '60'], env: { PATH: other } });
    expect(await pathOf(await panePid(tmux, second))).toBe(other);
    const oldPid = await panePid(tmux, second);
    await tmux.respawnPane(second, dir, ['sleep', '61'], { PATH: wanted });
    const respawned = await waitFor(
      async () => {
        const pid = await panePid(tmux, second);
        return pid !== oldPid ? pid : undefined;
      },
      { what: 'the respawned pane' },
    );
    expect(await pathOf(respawned)).toBe(wanted);
  });

  it('lets a program in the pane run `czar report` by its bare name', async () => {
    const tmux = privateTmux();
    const dir = await tempDir();
    const stateDir = await launchedStateDir(dir, 'worker');
    await tmux.newSession({
      name: 'worker',
      cwd: dir,
      // A shell stands in for the agent's shell tool: it finds czar through PATH alone, as an agent does.
      argv: ['sh', '-c', 'czar report --state working --note "from the pane"'],
      env: {
        PATH: `${CZAR_BIN_DIR}${path.delimiter}/usr/bin:/bin`,
        CZAR_WORKER: 'worker',
        CZAR_STATE_DIR: stateDir,
        CZAR_WORKER_PROOF: TEST_PROOF,
      },
    });
    const report = await waitFor(() => readJson<WorkerReport>(reportFile(statePaths(stateDir), 'worker')), {
      timeoutMs: 15_000,
      what: 'the report written from the pane',
    });
    expect(report).toMatchObject({ state: 'working', note: 'from the pane', source: 'cli' });
  });
});
