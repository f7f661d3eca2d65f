import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLesson, type Lesson } from '../../src/domain/learning/lesson.js';
import { parseOutcome, type Outcome } from '../../src/domain/learning/outcome.js';
import { briefLessons } from '../../src/launch/brief-lessons.js';
import { routeWorkers } from '../../src/launch/route-workers.js';
import { czar } from '../helpers/cli.js';
import { recordDir } from '../helpers/learning.js';
import { fleetFixture, PACKAGE_ROOT, workerIn } from '../helpers/fleet-fixture.js';
import { capturedFiles } from '../helpers/sim-captures.js';

// Two sprints in one repository, sim agents of two makes that differ by what they write: sima writes api files
// "broken" and docs files "fine", simb the other way round. Sprint 1 gives the record and its lessons (each broken
// file fails the check once, whose output the sim then follows to fix it). In sprint 2 the api task goes to simb
// (the better record) and carries the api lessons in its brief; a docs task goes to sima (the better record for docs)
// but writes what sima gets wrong: it fails its check and is handed over to simb, which gets it verified on the same
// branch.

const SIM = path.join(PACKAGE_ROOT, 'bin', 'czar-sim-agent.js');
// The first lines say what is broken; the sim's way to fix it comes after them (a lesson keeps only the first lines).
const BROKEN_CHECK = [
  'for f in src/*.txt; do',
  '  [ -f "$f" ] || continue',
  '  if [ "$(cat "$f")" = broken ]; then',
  '    echo "$f is broken: expected fine"',
  '    for i in 1 2 3 4 5 6 7 8; do echo "  at values check step $i"; done',
  `    printf '%s\\n' "@sim write $f fine" '@sim commit fix' '@sim done fixed'`,
  '    exit 3',
  '  fi',
  'done',
].join('\n');

/** A task whose file gets what the agent's make writes for its kind. */
const task = (name: string, kind: 'API' | 'DOCS') =>
  `# Write ${name}\n@sim run mkdir -p src && echo "$SIM_${kind}" > src/${name}.txt\n@sim commit ${name}\n@sim done ${name} written`;

async function lines<T>(file: string, parse: (line: string) => T | string): Promise<T[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map(parse)
    .filter((item): item is T => typeof item !== 'string');
}

describe('a czar that learns, over two sprints', () => {
  it('routes by the record, carries the lessons in the brief, and hands a failing task to another agent', async () => {
    const dir = await recordDir();
    const agents = (root: string) => {
      const entry = (api: string, docs: string) => ({
        command: process.execPath,
        args: [SIM],
        preset: 'sim',
        env: { CZAR_SIM_CAPTURE_DIR: path.join(root, 'captures'), SIM_API: api, SIM_DOCS: docs },
      });
      return { sima: entry('broken', 'fine'), simb: entry('fine', 'broken') };
    };
    const checks = [{ name: 'values', run: BROKEN_CHECK, timeout: '30s' }];
    const policy = { idle_after: '1m', escalate_after: '1m' };
    const first = await fleetFixture({
      workers: [
        { name: 'a1', agent: 'sima', kind: 'api', task: task('a1', 'API') },
        { name: 'a2', agent: 'sima', kind: 'api', task: task('a2', 'API') },
        { name: 'b1', agent: 'simb', kind: 'api', task: task('b1', 'API') },
        { name: 'b2', agent: 'simb', kind: 'api', task: task('b2', 'API') },
        { name: 'd1', agent: 'sima', kind: 'docs', task: task('d1', 'DOCS') },
        { name: 'd2', agent: 'simb', kind: 'docs', task: task('d2', 'DOCS') },
      ],
      agents,
      checks,
      policy,
    });
    await first.launchWave();
    const czar1 = await first.supervise();
    for (const worker of ['a1', 'a2', 'b1', 'b2', 'd1', 'd2'])
      await first.waitForEvent('outcome', worker, { timeoutMs: 120_000 });
    await first.waitForEvent('lessons', 'a1', { timeoutMs: 30_000 });
    await czar1.stop();
    const learned = await lines<Lesson>(path.join(dir, 'lessons.jsonl'), parseLesson);
    const a1Lesson = learned.find((lesson) => lesson.text.includes('src/a1.txt is broken'));
    expect(a1Lesson).toMatchObject({ kind: 'api', source: 'check', areas: ['src'] });
    // The first lines of the check's output, not the lines after them.
    expect(a1Lesson?.text).toContain('check "values" (for f in src/*.txt; do) failed:');
    expect(a1Lesson?.text).not.toContain('@sim');
    const listed = await czar(['lessons', '--json'], { cwd: first.root, env: { CZAR_LEARN_DIR: dir } });
    expect(listed.exitCode, listed.stderr).toBe(0);
    const ids = (JSON.parse(listed.stdout) as { lessons: { id: string }[] }).lessons.map((lesson) => lesson.id);
    expect(ids).toContain(a1Lesson?.id);
    const down = await czar(['down', '--purge', '--force', '-c', first.configFile], {
      cwd: first.root,
      env: { CZAR_LEARN_DIR: dir },
    });
    expect(down.exitCode, down.stderr).toBe(0);

    const second = await fleetFixture({
      reuse: { root: first.root, repo: first.repo },
      workers: [
        { name: 'c1', agent: 'auto', kind: 'api', task: task('c1', 'API') },
        // A docs task (sima's strength by the record) that writes what sima gets wrong.
        { name: 'e1', agent: 'auto', kind: 'docs', task: task('e1', 'API') },
      ],
      routing: { pool: ['sima', 'simb'], min_outcomes: 1, reassign_after: 1 },
      agents,
      checks,
      policy,
    });
    const { added: routes, save: saveRoutes } = await routeWorkers(second.fleet);
    expect(routes.map((route) => [route.worker, route.agent])).toEqual([
      ['c1', 'simb'],
      ['e1', 'sima'],
    ]);
    expect(routes[0]?.reason).toBe(
      'simb for api (best record): sima 0/2 first try in this repository; simb 2/2 first try in this repository',
    );
    const { added: briefed, save: saveLessons } = await briefLessons(second.fleet);
    const c1Lessons =
      briefed.find((entry) => 'worker' in entry && entry.worker === 'c1')?.lessons.map((lesson) => lesson.id) ?? [];
    expect(c1Lessons).toContain(a1Lesson?.id);
    await saveRoutes();
    await saveLessons();
    await second.launchWave();
    await second.supervise();
    expect((await second.waitForEvent('routed', 'c1')).data?.agent).toBe('simb');
    const handedOver = await second.waitForEvent('handed_over', 'e1', { timeoutMs: 120_000 });
    expect(handedOver.data).toMatchObject({ from: 'sima', to: 'simb' });
    expect(handedOver.message).toContain('1 failed verification round(s)');
    const status = await second.waitForStatus(
      (s) => workerIn(s, 'c1').state === 'verified' && workerIn(s, 'e1').state === 'verified',
      { what: 'c1 and e1 verified', timeoutMs: 120_000 },
    );
    expect(workerIn(status, 'c1').agent).toBe('simb');
    expect(workerIn(status, 'e1').agent).toBe('simb');
    expect(workerIn(status, 'e1').handedOver).toMatchObject([{ from: 'sima', to: 'simb' }]);

    const agentsShown = await second.waitForStatus(
      (s) => s.agents?.some((row) => row.agent === 'simb' && row.kind === 'api' && row.tasks === 3) === true,
      { what: "simb's api record in status.json" },
    );
    expect(agentsShown.agents?.find((row) => row.agent === 'simb' && row.kind === 'api')).toMatchObject({
      tasks: 3,
      firstTry: 3,
    });

    // c1's brief carried the api lessons as data, in a labelled, fenced section.
    const captures = path.join(second.root, 'captures');
    const c1First = (await capturedFiles(captures)).find((file) => file.startsWith('c1-'));
    const c1Brief = await readFile(path.join(captures, c1First ?? 'missing'), 'utf8');
    expect(c1Brief).toContain('## Lessons from earlier tasks in this repository');
    expect(c1Brief).toMatch(/```\n\[L[0-9a-f]{8}\] check, src: check "values"[^\n]*\nsrc\/a\d\.txt is broken/);
    // e1's last brief came to simb: what failed on sima, fenced, then the task again.
    const e1Files = (await capturedFiles(captures)).filter((file) => file.startsWith('e1-'));
    const handOverBrief = await readFile(path.join(captures, e1Files.at(-1) ?? 'missing'), 'utf8');
    expect(handOverBrief).toContain(
      'this task was handed over to you from agent sima after 1 failed verification round(s)',
    );
    expect(handOverBrief).toContain('src/e1.txt is broken: expected fine');
    expect(handOverBrief).toContain('# Write e1');

    // The record: sima gave e1 up, simb verified it first time; c1 carried the lessons and credits them.
    await second.waitForEvent('outcome', 'c1', { timeoutMs: 30_000 });
    const outcomes = await lines<Outcome>(path.join(dir, 'outcomes.jsonl'), parseOutcome);
    const e1 = outcomes.filter((outcome) => outcome.id.includes(':e1:'));
    expect(e1.map((outcome) => [outcome.agent, outcome.end])).toEqual([
      ['sima', 'gave_up'],
      ['simb', 'verified'],
    ]);
    const c1 = outcomes.find((outcome) => outcome.id.includes(':c1:'));
    expect(c1).toMatchObject({ agent: 'simb', firstTry: true });
    expect(c1?.lessons).toEqual(c1Lessons);
    const credited = await czar(['lessons', '--json'], { cwd: first.root, env: { CZAR_LEARN_DIR: dir } });
    const credit = (JSON.parse(credited.stdout) as { lessons: { id: string; credit: unknown }[] }).lessons.find(
      (lesson) => lesson.id === a1Lesson?.id,
    )?.credit;
    expect(credit).toEqual({ carried: 1, helped: 1 });

    // A person deletes a lesson by its id; an id that is not there, or the record off, is said in one sentence.
    const env = { CZAR_LEARN_DIR: dir };
    const deleted = await czar(['lessons', '--delete', a1Lesson?.id ?? ''], { cwd: first.root, env });
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    expect((await lines<Lesson>(path.join(dir, 'lessons.jsonl'), parseLesson)).map((l) => l.id)).not.toContain(
      a1Lesson?.id,
    );
    const again = await czar(['lessons', '--delete', a1Lesson?.id ?? ''], { cwd: first.root, env });
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain(`There is no lesson "${a1Lesson?.id ?? ''}"`);
    const off = await czar(['lessons'], { cwd: first.root, env: { ...env, CZAR_LEARN: 'off' } });
    expect(off.exitCode).toBe(1);
    expect(off.stderr).toContain('CZAR_LEARN=off');
  });
});
