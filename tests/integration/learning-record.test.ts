import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { latestOutcomes } from '../../src/domain/learning/learning.js';
import { parseOutcome, type Outcome } from '../../src/domain/learning/outcome.js';
import { czar } from '../helpers/cli.js';
import { recordDir } from '../helpers/learning.js';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';

// The record of outcomes: a sprint's finished tasks land in a per-user folder (here a temp one), outside the
// worktrees and .czar/, and `czar stats --agents` and `czar forget` read and change it.

const VALUE_CHECK = [
  'if [ "$(cat src/value.txt)" = fixed ]; then echo value ok; exit 0; fi',
  'echo "value is $(cat src/value.txt), expected fixed"',
  "printf '%s\\n' '@sim write src/value.txt fixed' '@sim commit fix the value' '@sim done value fixed'",
  'exit 3',
].join('\n');

async function outcomes(dir: string): Promise<Outcome[]> {
  const text = await readFile(path.join(dir, 'outcomes.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => parseOutcome(line))
    .filter((outcome): outcome is Outcome => typeof outcome !== 'string');
}

describe('the record of outcomes', () => {
  it('records each finished task with what it went through, survives a purge, and is read and forgotten by the CLI', async () => {
    const dir = await recordDir();
    const fx = await fleetFixture({
      workers: [
        {
          name: 'fixer',
          kind: 'values',
          task: '# Set the value\n@sim write src/value.txt broken\n@sim commit set the value\n@sim done value set',
        },
        { name: 'easy', task: '# Easy\n@sim write docs/easy.md ok\n@sim commit easy\n@sim done easy done' },
      ],
      checks: [{ name: 'value', run: `[ -f src/value.txt ] || exit 0\n${VALUE_CHECK}`, timeout: '30s' }],
      policy: { idle_after: '1m', escalate_after: '1m' },
    });
    await fx.launchWave();
    const supervisor = await fx.supervise();
    await fx.waitForEvent('outcome', 'fixer', { timeoutMs: 60_000 });
    await fx.waitForEvent('outcome', 'easy', { timeoutMs: 60_000 });
    const status = await fx.waitForStatus((s) => (s.agents?.length ?? 0) === 2, { what: 'the agents in status.json' });
    expect(workerIn(status, 'fixer').state).toMatch(/verified/);

    const roots = await gitIn(fx.repo, ['rev-list', '--max-parents=0', 'HEAD']);
    await fx.waitForEvent('outcome', 'fixer', { match: (event) => event.data?.end === 'integrated' });
    const recorded = latestOutcomes(await outcomes(dir));
    const fixer = recorded.find((outcome) => outcome.id.includes(':fixer:'));
    expect(fixer).toMatchObject({
      repo: roots.trim(),
      kind: 'values',
      areas: ['src'],
      agent: 'sim',
      preset: 'sim',
      firstTry: false,
      checkFailures: ['value'],
      end: 'integrated',
      integrated: true,
    });
    expect(recorded.find((outcome) => outcome.id.includes(':easy:'))).toMatchObject({
      kind: 'any',
      areas: ['docs'],
      firstTry: true,
      checkFailures: [],
    });

    // A foreign line is skipped with one warning; the rest is read.
    await appendFile(path.join(dir, 'outcomes.jsonl'), 'not an outcome\n');
    const env = { CZAR_LEARN_DIR: dir };
    const stats = await czar(['stats', '--agents', '--json'], { cwd: fx.repo, env });
    expect(stats.exitCode).toBe(0);
    expect(stats.stderr.match(/skipped 1 line/g)).toHaveLength(1);
    const shown = JSON.parse(stats.stdout) as { thisRepository: { agent: string; kind: string; tasks: number }[] };
    expect(shown.thisRepository.map((row) => [row.agent, row.kind, row.tasks])).toEqual([
      ['sim', 'any', 1],
      ['sim', 'values', 1],
    ]);
    const table = await czar(['stats', '--agents'], { cwd: fx.repo, env });
    expect(table.stdout).toContain('this repository');
    expect(table.stdout).toMatch(/sim\s+values\s+1\s+0% \(0\)/);

    // `czar down --purge` clears .czar/ and the worktrees, not the record.
    // The czar runs in this process: it stops first, so `down` has no czar of its own to stop.
    await supervisor.stop();
    const down = await czar(['down', '--purge', '--force', '-c', fx.configFile], { cwd: fx.root, env });
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await outcomes(dir)).length).toBeGreaterThanOrEqual(2);

    const forget = await czar(['forget', '--kind', 'values'], { cwd: fx.repo, env });
    expect(forget.stdout).toMatch(/^forgot 2 outcome\(s\) of kind values; 2 remain/);
    expect(latestOutcomes(await outcomes(dir)).map((outcome) => outcome.kind)).toEqual(['any']);
  });
});
