import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, test } from 'vitest';
import { cleanEnv } from '../../src/adapters/process.js';
import { Tmux } from '../../src/adapters/tmux.js';
import { Executor } from '../../src/supervisor/effects/executor.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { tempRepo } from '../helpers/git-repo.js';
import { alive } from '../helpers/processes.js';
import { waitFor } from '../helpers/wait.js';

describe('czar supervision: the tmux server goes away', () => {
  it('does not take every worker for crashed when the whole tmux server is gone (czar down), and says so', async () => {
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          task: '# Finish\n@sim write src/a.ts export const a = 1;\\n\n@sim commit a: add a\n@sim done a in',
        },
        {
          name: 'b',
          task: '# Finish\n@sim write src/b.ts export const b = 2;\\n\n@sim commit b: add b\n@sim done b in',
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();
    await fx.waitForStatus((status) => status.sprintOver, { what: 'the sprint to be over' });
    // What `czar down` does: the server goes, and with it every session (the czar's own too, in a real fleet).
    await new Tmux(fx.fleet.config.tmuxSocket).killServer();
    await fx.waitForEvent('tmux_gone');
    const status = await fx.status();
    expect(status?.sprintOver).toBe(true);
    expect(status?.workers.map((worker) => worker.state)).toEqual(['done', 'done']);
    expect((await fx.events()).filter((event) => event.kind === 'state' && event.message.includes('crashed'))).toEqual(
      [],
    );
  });

  it('does not start the server again to restart a worker once it is gone: the fleet was taken down', async () => {
    const fx = await fleetFixture({ workers: [{ name: 'a', task: '# Wait\n@sim idle' }] });
    await fx.launchWave();
    const [spec] = fx.fleet.config.workers;
    if (spec === undefined) throw new Error('the fixture has no worker');
    const executor = new Executor(fx.fleet, {
      delivered: () => undefined,
      launched: () => undefined,
      respawned: () => undefined,
      failed: () => undefined,
      settled: () => undefined,
      checked: () => undefined,
      stop: () => undefined,
      integrate: () => undefined,
      endSprint: () => undefined,
      openPullRequests: () => undefined,
      written: () => undefined,
      handedOver: () => undefined,
    });
    // A restart the czar decided just before "czar down" killed the server, carried out just after.
    await fx.fleet.tmux.killServer();
    const task = {
      id: 'a',
      title: 'Wait',
      text: '# Wait',
      scope: [],
      roleText: undefined,
      buildsOn: undefined,
      at: Date.now(),
      commitsAtStart: 0,
    };
    await expect(executor.restart(spec, task, { kind: 'fresh', why: 'a test' })).rejects.toThrow(
      /tmux server "czar-\w+" is gone, so worker "a" was not started again; run "czar up"/,
    );
    expect(await fx.fleet.tmux.serverRunning()).toBe(false);
  });
});

const FLEET =
  'repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n  - name: one\n    task: "Work.\\n@sim work 600 long"\n';

interface Event {
  readonly kind: string;
  readonly message: string;
}

/** A fleet started by "czar up": its czar runs in the session "czar" of the fleet's server. */
async function upFleet(): Promise<{ root: string; project: string; czarPid: number; events: () => Promise<Event[]> }> {
  const { root } = await tempRepo();
  const project = uniqueProject();
  await writeFleetConfig(root, project, FLEET);
  expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
  const stateDir = path.join(root, '.czar');
  const czarPid = await waitFor(
    async () =>
      (JSON.parse(await readFile(path.join(stateDir, 'status.json'), 'utf8')) as { supervisor?: { pid: number } })
        .supervisor?.pid,
    { what: "the czar's pid in status.json" },
  );
  const events = async (): Promise<Event[]> =>
    (await readFile(path.join(stateDir, 'events.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Event);
  return { root, project, czarPid, events };
}

describe('the czar of "czar up", hung up', () => {
  test('by tmux kill-server: logs tmux_gone once, takes no worker for crashed, and stops in order', async () => {
    const { project, czarPid, events } = await upFleet();
    // As a person would stop it: tmux hangs up every pane at once, the czar's too (Tmux.killServer kills agents first).
    await execa('tmux', ['-L', `czar-${project}`, 'kill-server'], { env: cleanEnv(), extendEnv: false });
    await waitFor(async () => !(await alive(czarPid)) || undefined, { what: 'the czar to exit' });
    const logged = await events();
    expect(
      logged.filter((event) => event.kind === 'tmux_gone'),
      JSON.stringify(logged.slice(-12)),
    ).toHaveLength(1);
    expect(logged.map((event) => event.kind).slice(-2)).toEqual(['tmux_gone', 'czar_down']);
    expect(
      logged.filter((event) => event.kind === 'state' && event.message.includes('crashed')),
      JSON.stringify(logged.slice(-12)),
    ).toEqual([]);
  });

  test('by czar down, which ends its session first: no tmux_gone, as the workers still ran', async () => {
    const { root, czarPid, events } = await upFleet();
    expect((await czar(['down'], { cwd: root })).exitCode).toBe(0);
    expect(await alive(czarPid)).toBe(false);
    expect((await events()).map((event) => event.kind)).not.toContain('tmux_gone');
  });
});
