import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config from '../../vitest.config.js';
import { matchGlob } from '../../src/domain/model/glob.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const testFiles = readdirSync(path.join(root, 'tests'), { recursive: true, encoding: 'utf8' })
  .map((file) => `tests/${file.split(path.sep).join('/')}`)
  .filter((file) => /\.test\.tsx?$/.test(file));

interface Project {
  test: {
    name: string;
    include: string[];
    exclude?: string[];
    pool?: string;
    maxWorkers?: number;
    sequence: { groupOrder: number };
  };
}
const projects = (config.test?.projects ?? []) as Project[];
const slow = projects.filter(({ test }) => !['unit', 'ui'].includes(test.name));
const holds = ({ test }: Project, file: string): boolean =>
  test.include.some((glob) => matchGlob(glob, file)) && !(test.exclude ?? []).some((glob) => matchGlob(glob, file));

describe('the test tiers (vitest projects)', () => {
  it('put every test file in exactly one tier, so npm test runs each once and a new folder is not left out', () => {
    expect(testFiles.length).toBeGreaterThan(100);
    for (const file of testFiles)
      expect(
        projects.filter((project) => holds(project, file)).map(({ test }) => test.name),
        file,
      ).toHaveLength(1);
  });

  it('run the slow tiers in forks after the pure ones: integration two files at a time, then hosts and terminals two at a time, and real agents (in two projects) one at a time', () => {
    const workers = Object.fromEntries(
      slow.map(({ test }) => [test.name, { pool: test.pool, maxWorkers: test.maxWorkers }]),
    );
    expect(workers).toEqual({
      integration: { pool: 'forks', maxWorkers: 2 },
      hosts: { pool: 'forks', maxWorkers: 2 },
      e2e: { pool: 'forks', maxWorkers: 2 },
      'real-agents': { pool: 'forks', maxWorkers: 1 },
      'real-agents-beside': { pool: 'forks', maxWorkers: 1 },
    });
    const order = Object.fromEntries(slow.map(({ test }) => [test.name, test.sequence.groupOrder]));
    expect(Math.min(...Object.values(order))).toBeGreaterThan(0);
    expect(order.integration).toBeLessThan(order.hosts ?? 0);
    expect(order.hosts).toBe(order.e2e);
    expect(order['real-agents']).toBeGreaterThan(order.e2e ?? 0);
    expect(order['real-agents-beside']).toBeGreaterThan(order.e2e ?? 0);
  });

  it('are all run by npm test, in its two lanes', () => {
    const lanes = readFileSync(path.join(root, 'scripts/test-lanes.ts'), 'utf8');
    for (const { test } of projects) expect(lanes, test.name).toContain(`'${test.name}'`);
  });
});
