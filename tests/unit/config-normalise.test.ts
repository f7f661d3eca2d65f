import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalise, taskTitle, type NormaliseFacts } from '../../src/config/normalise.js';
import { checkConfigText } from '../../src/config/validate.js';
import { parseDuration } from '../../src/config/duration.js';
import type { Config } from '../../src/domain/model/config-types.js';

const fixtures = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Facts a real load would gather, fixed so the golden files do not depend on the machine. */
function facts(lineOf: NormaliseFacts['lineOf'], overrides: Partial<NormaliseFacts> = {}): NormaliseFacts {
  return {
    file: '/home/dev/sark/czar.yaml',
    repoTop: '/home/dev/sark',
    currentBranch: 'main',
    taskFiles: new Map([
      ['tasks/gateway.md', '# Gateway API\n\nImplement the gateway.\n\n'],
      ['tasks/todo.md', 'Resolve the TODOs.\n'],
    ]),
    roles: new Map([
      ['implementer', 'You implement.\n'],
      ['tester', 'You test.\n'],
    ]),
    lineOf,
    ...overrides,
  };
}

function load(text: string, overrides: Partial<NormaliseFacts> = {}): Config {
  const checked = checkConfigText(text, 'czar.yaml');
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return normalise(
    checked.written,
    facts((at) => checked.map.keyAt(at).line, overrides),
  );
}

/** Machine-specific paths (node, the package) replaced by placeholders in the golden files. */
function portable(config: Config): unknown {
  return JSON.parse(
    JSON.stringify(config)
      .replaceAll(JSON.stringify(process.execPath).slice(1, -1), '<node>')
      .replaceAll(packageRoot, '<czar>/'),
  );
}

describe('normalise golden files', () => {
  const names = readdirSync(fixtures).filter((name) => name.endsWith('.yaml'));
  it('has fixtures', () => expect(names.length).toBeGreaterThanOrEqual(2));
  for (const name of names) {
    it(`${name} normalises to ${name.replace(/\.yaml$/, '.expected.json')}`, () => {
      const actual = portable(load(readFileSync(path.join(fixtures, name), 'utf8')));
      const expectedFile = path.join(fixtures, name.replace(/\.yaml$/, '.expected.json'));
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, 'utf8')));
    });
  }
});

describe('normalise', () => {
  const one = 'project: p\nworkers:\n  - name: a\n    task: do it\n';

  it('puts worktrees beside the repo by default and the state dir beside the config', () => {
    const config = load(one);
    expect(config.worktrees).toBe('/home/dev/sark-workers');
    expect(config.workers[0]?.worktree).toBe('/home/dev/sark-workers/a');
    expect(config.stateDir).toBe('/home/dev/sark/.czar');
    expect(config.tmuxSocket).toBe('czar-p');
  });

  it('takes the base from the current branch when the file has none', () => {
    expect(load(one, { currentBranch: 'trunk' }).base).toBe('trunk');
  });

  it('refuses a detached HEAD without base:, saying to set it', () => {
    expect(() => load(one, { currentBranch: undefined })).toThrow(/detached HEAD.*add e\.g\. base: main/);
  });

  it('keeps a built-in preset behaviour when its command is overridden, and defaults new agents to custom (shell for a shell)', () => {
    const config = load(
      `${one}agents:\n  codex: { command: /opt/codex }\n  bot: { command: bot }\n  sh: { command: /bin/zsh }\n  b5: { command: bash5.2 }\n`,
    );
    expect(config.agents.codex).toEqual({
      name: 'codex',
      preset: 'codex',
      command: '/opt/codex',
      args: ['--no-daemon'],
      env: {},
    });
    expect(config.agents.bot?.preset).toBe('custom');
    expect(config.agents.sh?.preset).toBe('shell');
    expect(config.agents.b5?.preset).toBe('shell');
    expect(config.workers[0]?.agent.name).toBe('claude');
  });

  it('records where an inline task is written', () => {
    expect(load(one).workers[0]?.taskSource).toBe('czar.yaml:4');
  });
});

describe('taskTitle', () => {
  it('uses the first non-empty line without heading marks', () => {
    expect(taskTitle('\n\n  ## Build it  \nmore')).toBe('Build it');
  });
  it('caps the title at 80 characters', () => {
    expect(taskTitle('x'.repeat(200))).toHaveLength(80);
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['20m', 1_200_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['45', 45_000],
    [2, 2000],
  ] as const)('%s is %d ms', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
  it.each(['5 minutes', '1d', '', 'm5', '-3'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
