import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { ensureStateDir } from '../../src/adapters/state-files.js';
import { agentLaunchSpec, startAgentPane } from '../../src/launch/agent-pane.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';

describe('startAgentPane: the one place an agent starts', () => {
  test('refuses a missing folder, a plain folder of the main checkout and a worktree on another branch, and starts nothing', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'w', task: 'Work.\n@sim quiet' }] });
    const [spec] = fx.fleet.config.workers;
    if (spec === undefined) throw new Error('fixture has no worker');
    await fx.launchWave();
    const paneId = await fx.fleet.tmux.paneIdOf('w');
    expect(paneId).toBeDefined();

    const plainFolder = path.join(fx.repo, 'sub');
    await mkdir(plainFolder);
    await expect(startAgentPane(fx.fleet, { ...spec, name: 'x', worktree: plainFolder })).rejects.toThrow(
      /is not a worktree of .* so worker "x" was not started/,
    );
    await expect(
      startAgentPane(fx.fleet, { ...spec, name: 'x', worktree: path.join(fx.root, 'nowhere') }),
    ).rejects.toThrow(/nowhere is missing or not a git worktree/);

    await gitIn(spec.worktree, ['switch', '--quiet', '-c', 'elsewhere']);
    await expect(startAgentPane(fx.fleet, spec, { paneId: paneId ?? '' })).rejects.toThrow(
      /is on branch "elsewhere", not "czar\/w"/,
    );
    await gitIn(spec.worktree, ['switch', '--quiet', 'czar/w']);

    await rm(spec.worktree, { recursive: true, force: true });
    await expect(startAgentPane(fx.fleet, spec, { paneId: paneId ?? '' })).rejects.toThrow(
      /is missing or not a git worktree/,
    );
    expect((await fx.fleet.tmux.listSessions()).sort()).toEqual(['w']);
  });

  test("runs its hooks' czar without the extra CA certificates the agent's environment names: no hook opens TLS", async () => {
    const fx = await fleetFixture({ workers: [{ name: 'w', task: 'Work.', agent: 'claude' }] });
    const [spec] = fx.fleet.config.workers;
    if (spec === undefined) throw new Error('fixture has no worker');
    await ensureStateDir(fx.fleet.paths);
    const { argv } = await agentLaunchSpec(fx.fleet, spec);
    const settingsFile = argv[argv.indexOf('--settings') + 1] ?? '';
    const settings = JSON.parse(await readFile(settingsFile, 'utf8')) as {
      hooks: Record<string, { hooks: { command: string }[] }[]>;
    };
    const command = settings.hooks.Stop?.[0]?.hooks[0]?.command ?? '';
    // As the agent runs it, with a bundle that cannot be read: Node says so on stderr when it tries.
    const env = { ...cleanEnv(), NODE_EXTRA_CA_CERTS: path.join(fx.root, 'no-such-bundle.pem') };
    const run = (line: string) =>
      execa('/bin/sh', ['-c', line], { env, extendEnv: false, reject: false, input: '{}', cwd: fx.root });
    expect((await run('node -e 0')).stderr).toContain('Ignoring extra certs');
    const hook = await run(command);
    expect(hook.exitCode).toBe(0);
    expect(hook.stderr).not.toContain('extra certs');
  });
});
