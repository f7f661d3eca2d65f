import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, workerEnv, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const WORKERS = ['w1', 'w2', 'w3', 'w4'];
const BURSTS = 3;
const PER_BURST = 4;

describe('reports are a stream the czar reads in order', () => {
  test('bursts of reports from several workers at once all reach events.jsonl, none coalesced', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    const workers = WORKERS.map((name) => `  - { name: ${name}, task: "Work.\\n@sim work 600 long" }`).join('\n');
    await writeFleetConfig(
      root,
      project,
      `repo: repo\nagent: sim\npolicy: { bonus: off, idle_after: 10m, restart: { max: 0 } }\nworkers:\n${workers}\n`,
    );
    expect((await czar(['up', '--detach'], { cwd: root })).exitCode).toBe(0);
    const stateDir = path.join(root, '.czar');
    const envs = new Map(
      await Promise.all(WORKERS.map(async (worker) => [worker, await workerEnv(project, stateDir, worker)] as const)),
    );
    const report = (worker: string, note: string) =>
      czar(['report', '--state', note.endsWith('-0') ? 'blocked' : 'working', '--note', note], {
        cwd: path.join(root, 'repo-workers', worker),
        env: envs.get(worker) ?? {},
      });

    const sent: string[] = [];
    await Promise.all(
      WORKERS.map(async (worker) => {
        for (let burst = 0; burst < BURSTS; burst++) {
          // Reports of one worker at the same moment: within one pass of the czar, and racing each other.
          const notes = Array.from({ length: PER_BURST }, (_, index) => `burst-${worker}-${burst}-${index}`);
          sent.push(...notes);
          const results = await Promise.all(notes.map((note) => report(worker, note)));
          for (const result of results) expect(result.exitCode, result.stderr).toBe(0);
        }
      }),
    );

    const logged = async () => {
      const events = (await readFile(path.join(stateDir, 'events.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; message: string });
      return new Set(
        events
          .filter((event) => event.kind === 'report')
          .flatMap((event) => /burst-\S+/.exec(event.message)?.[0] ?? []),
      );
    };
    // Waits for all, then shows which are missing when some never come.
    await waitFor(async () => (await logged()).size === sent.length, {
      timeoutMs: 20_000,
      what: 'every report in events.jsonl',
    }).catch(() => undefined);
    const seen = await logged();
    expect(sent.filter((note) => !seen.has(note))).toEqual([]);
  });
});
