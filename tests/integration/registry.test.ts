import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { listRegistered, registryDir } from '../../src/adapters/registry.js';
import { czar } from '../helpers/cli.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';

describe('the registry of running czars', () => {
  const before = process.env.XDG_STATE_HOME;
  beforeAll(async () => {
    process.env.XDG_STATE_HOME = await mkdtemp(path.join(tmpdir(), 'czar-registry-'));
  });
  afterAll(async () => {
    await rm(process.env.XDG_STATE_HOME ?? '', { recursive: true, force: true });
    if (before === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = before;
  });

  it('a czar registers itself when it starts, privately, and removes its entry when it stops', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'a', task: '# Wait\n@sim idle' }] });
    await fx.launchWave();
    const supervisor = await fx.supervise();
    const [entry, ...others] = await listRegistered();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      pid: process.pid,
      project: fx.fleet.config.project,
      repo: fx.fleet.config.repo,
      stateDir: fx.fleet.paths.root,
      status: fx.fleet.paths.status,
      socket: fx.fleet.config.tmuxSocket,
      running: true,
    });
    expect((await stat(registryDir())).mode & 0o777).toBe(0o700);
    expect((await stat(path.dirname(registryDir()))).mode & 0o777).toBe(0o700);

    const listed = await czar(['ls'], { cwd: fx.root, env: { XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? '' } });
    expect(listed.stdout).toMatch(
      new RegExp(`^${fx.fleet.config.project}  ${fx.fleet.config.repo}  1 \\w+  needs you: 0$`),
    );

    await supervisor.stop();
    expect(await readdir(registryDir())).toEqual([]);
  });

  it('shows a crashed czar (pid gone) and a reused pid (another start time) as stopped', async () => {
    const gone = (await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout;
    const stateDir = process.env.XDG_STATE_HOME ?? '';
    const entry = {
      project: 'p',
      repo: '/r',
      stateDir,
      status: path.join(stateDir, 'status.json'),
      socket: 'czar-p',
      startedAt: '2026-01-01T00:00:00Z',
    };
    await writeFile(
      path.join(registryDir(), 'crashed.json'),
      JSON.stringify({ ...entry, pid: Number(gone), processStart: '1' }),
    );
    await writeFile(
      path.join(registryDir(), 'reused.json'),
      JSON.stringify({ ...entry, pid: process.pid, processStart: '1' }),
    );
    await writeFile(path.join(registryDir(), 'garbage.json'), '{"pid":');
    const fleets = await listRegistered();
    expect(fleets.map((fleet) => [fleet.id, fleet.running])).toEqual([
      ['crashed', false],
      ['reused', false],
    ]);
    await rm(path.join(registryDir(), 'garbage.json'));
  });

  it('forgets a stopped czar whose state dir is gone, and keeps a running one whatever its folder', async () => {
    const gone = (await execa(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout;
    const missing = path.join(process.env.XDG_STATE_HOME ?? '', 'removed-fleet', '.czar');
    const entry = {
      project: 'p',
      repo: '/r',
      stateDir: missing,
      status: path.join(missing, 'status.json'),
      socket: 'czar-p',
      startedAt: '2026-01-01T00:00:00Z',
    };
    const before = new Set(await readdir(registryDir()));
    await writeFile(
      path.join(registryDir(), 'removed.json'),
      JSON.stringify({ ...entry, project: 'removed', pid: Number(gone), processStart: '1' }),
    );
    const { stdout: start } = await execa('cat', [`/proc/${process.pid}/stat`]);
    await writeFile(
      path.join(registryDir(), 'running.json'),
      JSON.stringify({
        ...entry,
        project: 'live',
        pid: process.pid,
        processStart: start.slice(start.lastIndexOf(')') + 2).split(' ')[19],
      }),
    );
    const listed = await czar(['ls'], { cwd: tmpdir(), env: { XDG_STATE_HOME: process.env.XDG_STATE_HOME ?? '' } });
    expect(listed.stdout).toMatch(/^live {2}\/r/m);
    expect(listed.stdout).not.toMatch(/removed/);
    expect(
      (await listRegistered()).filter((fleet) => !before.has(`${fleet.id}.json`)).map((fleet) => fleet.id),
    ).toEqual(['running']);
    expect((await readdir(registryDir())).filter((name) => !before.has(name)).sort()).toEqual(['running.json']);
  });
});
