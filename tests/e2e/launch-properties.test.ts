/**
 * Property-style, end to end with real tmux, git and sim agents: a seeded random sequence of what a person does
 * (up, down, purge, restart, send, bonus, pause, config edits) on a small fleet, with three invariants checked
 * after every step. The seed is printed; rerun one with CZAR_PROPERTY_SEED=<seed>.
 */
import { readFile, realpath, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { gitIn, tempRepo } from '../helpers/git-repo.js';
import { agentCwds } from '../helpers/panes.js';
import {
  branchTips,
  expectPlainOutcomes,
  lostCommitsStory,
  propertySeed,
  random,
  reachableCommits,
} from '../helpers/property.js';

const MAX_STEPS = 14;
/** No new step starts after this much wall time (each step is one or two czar commands). */
const WALL_MS = 100_000;

function fleetYaml(project: string, withExtra: boolean, taskVersion: number): string {
  const worker = (name: string, lines: string[], extra = '') =>
    `  - name: ${name}\n${extra}    task: ${JSON.stringify(lines.join('\n'))}\n`;
  return [
    `project: ${project}`,
    'repo: repo',
    'agent: sim',
    'policy: { idle_after: 10m, stuck_after: 20m, restart: { max: 0 } }',
    'workers:',
    worker('a', [
      `Task a, version ${taskVersion}.`,
      '@sim write a.txt from a',
      '@sim commit a: work',
      '@sim work 600 the rest',
    ]).trimEnd(),
    worker(
      'b',
      ['Task b.', '@sim write b.txt from b', '@sim commit b: work', '@sim work 600 the rest'],
      '    branch: given\n',
    ).trimEnd(),
    worker('c', ['Task c.', '@sim work 600 the rest'], '    depends_on: [a]\n').trimEnd(),
    ...(withExtra
      ? [worker('d', ['Task d.', '@sim write d.txt from d', '@sim commit d: work', '@sim done']).trimEnd()]
      : []),
    'bonus:',
    '  - { name: polish, task: "Polish.\\n@sim work 600 polishing" }',
    '  - { name: docs, task: "Docs.\\n@sim work 600 writing" }',
    '',
  ].join('\n');
}

describe('launch properties', () => {
  test('random sequences of person actions keep every agent in its worktree, every branch czar did not make, and every commit', async () => {
    const seed = propertySeed('launch properties');
    const next = random(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

    const { root, repo } = await tempRepo();
    // Branches czar did not make: one given to worker b, one nobody uses; each holds a commit found nowhere else.
    for (const branch of ['given', 'keep']) {
      await gitIn(repo, ['switch', '--quiet', '-c', branch]);
      await gitIn(repo, ['commit', '--quiet', '--allow-empty', '-m', `only on ${branch}`]);
      await gitIn(repo, ['switch', '--quiet', 'main']);
    }
    const project = uniqueProject();
    const file = await writeFleetConfig(root, project, '');
    const config = { withExtra: false, taskVersion: 1 };
    const writeConfig = () => writeFile(file, fleetYaml(project, config.withExtra, config.taskVersion));
    await writeConfig();
    const notMadeByCzar = new Map(
      [...(await branchTips(repo))].filter(([branch]) => ['main', 'keep', 'given'].includes(branch)),
    );
    const mainCheckout = await realpath(repo);

    const steps: {
      name: string;
      run: () => Promise<{ stdout: string; stderr: string; exitCode: number }[]>;
      forceNamed?: true;
    }[] = [
      { name: 'up', run: async () => [await czar(['up', '--detach'], { cwd: root })] },
      { name: 'down', run: async () => [await czar(['down'], { cwd: root })] },
      { name: 'down --purge', run: async () => [await czar(['down', '--purge'], { cwd: root })] },
      {
        name: 'down --purge --force',
        run: async () => [await czar(['down', '--purge', '--force'], { cwd: root })],
        forceNamed: true,
      },
      ...['a', 'b', 'c'].flatMap((worker) => [
        { name: `restart ${worker}`, run: async () => [await czar(['restart', worker], { cwd: root })] },
        {
          name: `send ${worker}`,
          run: async () => [await czar(['send', worker, `a note for ${worker}`], { cwd: root })],
        },
        { name: `bonus ${worker}`, run: async () => [await czar(['bonus', worker], { cwd: root })] },
        { name: `pause ${worker}`, run: async () => [await czar(['pause', worker], { cwd: root })] },
      ]),
      {
        name: 'edit config: add or drop worker d, then up',
        run: async () => {
          config.withExtra = !config.withExtra;
          await writeConfig();
          return [await czar(['up', '--detach'], { cwd: root })];
        },
      },
      {
        name: 'edit config: change task a, then up',
        run: async () => {
          config.taskVersion += 1;
          await writeConfig();
          return [await czar(['up', '--detach'], { cwd: root })];
        },
      },
    ];

    const started = Date.now();
    const done: string[] = [];
    // Start with a launch half the time, so the sequences reach the running-fleet steps often.
    for (let index = 0; index < MAX_STEPS && Date.now() - started < WALL_MS; index++) {
      const step = index === 0 && next() < 0.5 ? (steps[0] as (typeof steps)[number]) : pick(steps);
      const commitsBefore = await reachableCommits(repo);
      const results = await step.run();
      done.push(step.name);
      const context = `seed ${seed}, steps: ${done.join(' → ')}`;

      expectPlainOutcomes(results, context);
      // 1. No agent runs outside its own worktree.
      for (const [session, cwd] of await agentCwds(`czar-${project}`)) {
        expect(cwd, `${context}: agent ${session}`).toBe(path.join(root, 'repo-workers', session));
        expect(cwd, context).not.toBe(mainCheckout);
      }
      // 2. No branch czar did not create is gone (main and keep do not even move: no worker works on them).
      const tips = await branchTips(repo);
      for (const [branch, tip] of notMadeByCzar) {
        expect(tips.has(branch), `${context}: branch ${branch}`).toBe(true);
        if (branch !== 'given') expect(tips.get(branch), `${context}: branch ${branch}`).toBe(tip);
      }
      // 3. No commit that was reachable is lost, unless --force named it.
      if (step.forceNamed !== true) {
        const after = await reachableCommits(repo);
        const lost = [...commitsBefore].filter((commit) => !after.has(commit));
        expect(lost, `${context}: lost commits: ${await lostCommitsStory(repo, lost)}`).toEqual([]);
      }
    }
    expect(done.length).toBeGreaterThan(3);
    // The czar's own log never holds a failed pass.
    const events = await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8').catch(() => '');
    expect(events, `seed ${seed}`).not.toContain('"czar_error"');
  });
});
