import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { fixtureStatus } from '../fixtures/fleet-status.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

async function fleetWithState(files: Record<string, string>): Promise<string> {
  const { root } = await tempRepo();
  await writeFleetConfig(
    root,
    uniqueProject(),
    'repo: repo\nagent: sim\nworkers:\n  - { name: gateway, task: Build it. }\n',
  );
  await mkdir(path.join(root, '.czar'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(root, '.czar', name), text);
  return root;
}

describe('state files czar cannot read are named in one sentence, not taken for missing or crashed on', () => {
  test('a truncated status.json', async () => {
    const root = await fleetWithState({ 'status.json': JSON.stringify(fixtureStatus).slice(0, 120) });
    const file = path.join(root, '.czar', 'status.json');
    for (const command of ['status', 'peers']) {
      const result = await czar([command], { cwd: root });
      expect(result.stderr).toMatch(
        new RegExp(
          `^czar: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not complete JSON \\([^)]*\\); czar writes it whole, so something else changed it: delete it and the running czar writes it again within seconds \\(or "czar up" starts one\\)\\.$`,
        ),
      );
      expect(result.exitCode).toBe(1);
    }
  });

  test('a status.json with wrong types', async () => {
    const root = await fleetWithState({
      'status.json': JSON.stringify({ ...fixtureStatus, workers: [{ ...fixtureStatus.workers[0], note: 42 }] }),
    });
    const result = await czar(['status'], { cwd: root });
    expect(result.stderr).toBe(
      `czar: ${path.join(root, '.czar', 'status.json')} is not a fleet status czar can read (workers[0].note: expected string, received number); czar writes it whole, so something else changed it: delete it and the running czar writes it again within seconds (or "czar up" starts one).`,
    );
    expect(result.exitCode).toBe(1);
  });

  test('events.jsonl lines with wrong types are skipped like lines that are not JSON', async () => {
    const good = { at: '2025-06-03T14:29:00.000Z', kind: 'launched', message: 'launched 1 worker' };
    const root = await fleetWithState({
      'events.jsonl':
        [
          { at: 5, kind: null, message: 'x' },
          'not json',
          { ...good, worker: 7 },
          good,
          { at: '2025-06-03T14:29:01.000Z', kind: 'state', message: ['a'] },
        ]
          .map((line) => (typeof line === 'string' ? line : JSON.stringify(line)))
          .join('\n') + '\n',
    });
    const result = await czar(['log'], { cwd: root });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `14:29:00 ${'czar'.padEnd(12)} ${'launched'.padEnd(16)} launched 1 worker`,
    ]);
  });
});

describe('a state dir that is not what czar made is named, not an internal error', () => {
  test('status.json that is a folder, and .czar that is a file', async () => {
    const root = await fleetWithState({});
    await mkdir(path.join(root, '.czar', 'status.json'));
    const folder = await czar(['status'], { cwd: root });
    expect(folder.stderr).toBe(
      `czar: ${path.join(root, '.czar', 'status.json')} cannot be read (EISDIR); czar keeps its state in ${path.join(root, '.czar')} as plain files, so move aside what is in the way and run "czar up" again.`,
    );
    expect(folder.exitCode).toBe(1);
    await mkdir(path.join(root, '.czar', 'events.jsonl'));
    const events = await czar(['log'], { cwd: root });
    expect(events.stderr).toBe(
      `czar: ${path.join(root, '.czar', 'events.jsonl')} cannot be read (EISDIR); czar keeps its state in ${path.join(root, '.czar')} as plain files, so move aside what is in the way and run "czar up" again.`,
    );
    expect(events.exitCode).toBe(1);

    await rm(path.join(root, '.czar'), { recursive: true });
    await writeFile(path.join(root, '.czar'), 'not a folder\n');
    for (const command of ['status', 'log']) {
      const file = path.join(root, '.czar', command === 'status' ? 'status.json' : 'events.jsonl');
      const result = await czar([command], { cwd: root });
      expect(result.stderr).toBe(
        `czar: ${file} cannot be read (ENOTDIR); czar keeps its state in ${path.join(root, '.czar')} as plain files, so move aside what is in the way and run "czar up" again.`,
      );
      expect(result.exitCode).toBe(1);
    }
  });
});

describe('czar peers before the czar wrote its first status', () => {
  test('names the other workers from the config, so a worker that asks first thing learns who does what', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      'repo: repo\nagent: sim\nworkers:\n  - { name: gateway, task: Build the gateway. }\n  - { name: models, task: Write the models. }\n',
    );
    // The fleet runs (its first worker's session), and its czar has not written a status yet.
    await new Tmux(`czar-${project}`, path.join(root, '.czar')).newSession({
      name: 'gateway',
      cwd: root,
      argv: ['sleep', '600'],
    });
    const result = await czar(['peers'], { cwd: root, env: { CZAR_WORKER: 'gateway' } });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['models (starting, branch czar/models): Write the models.']);
  });
});
