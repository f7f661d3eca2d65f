import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CzarError } from '../../src/domain/model/errors.js';
import type { DeliverySummary, GivenTask } from '../../src/domain/model/model.js';
import {
  renderBonus,
  renderDependencyReady,
  renderPrompt,
  renderRebrief,
  renderRestarted,
  type PromptParts,
} from '../../src/domain/text/prompt-text.js';
import { renderConflict, renderFixup, renderNudge, renderRealign } from '../../src/domain/text/supervision-text.js';
import { fill, type WorkerPlace } from '../../src/domain/text/prompt-template.js';
import { bonusTask } from '../helpers/fleet.js';
import { PROMPTS_DIR, TEMPLATES } from '../helpers/templates.js';

const promptsDir = PROMPTS_DIR;
const templates = TEMPLATES;
const implementer = readFileSync(path.join(promptsDir, 'roles/implementer.md'), 'utf8');

/** A task that a careless renderer would damage: placeholders, CRLF, trailing spaces, no final newline, emoji. */
const NASTY_TASK =
  '# Gateway {{worker}}\r\n\r\nUse `$1` and $& and {{ project }} literally.  \n\n\tIndented\u00a0line ✓ 🚀\n\n\n   trailing';

const place: WorkerPlace = {
  project: 'shop',
  worker: 'api',
  branch: 'czar/api',
  base: 'main',
  worktree: '/work/shop-wt/api',
};

const summary: DeliverySummary = {
  worker: 'db',
  branch: 'czar/db',
  commitsAhead: 3,
  lastCommit: { sha: '0123456789abcdef0123456789abcdef01234567', subject: 'Add schema' },
  files: ['db/schema.sql'],
  note: 'schema migrated',
  resultFile: '.czar/results/db.md',
};

function parts(overrides: Partial<PromptParts> = {}): PromptParts {
  return {
    ...place,
    templates,
    scope: ['src/api/**'],
    peers: [{ name: 'ui', branch: 'czar/ui', title: 'Build the UI', scope: ['src/ui/**'] }],
    roleText: implementer,
    dependencies: [],
    task: NASTY_TASK,
    ...overrides,
  };
}

/** The text before the task must have every placeholder filled. */
function expectFilled(text: string): void {
  expect(text).not.toMatch(/\{\{/);
}

describe('renderPrompt', () => {
  it('ends with the task text, whole and byte for byte', () => {
    const prompt = renderPrompt(parts());
    expect(prompt.endsWith(NASTY_TASK)).toBe(true);
    expect(Buffer.from(prompt).subarray(-Buffer.byteLength(NASTY_TASK)).equals(Buffer.from(NASTY_TASK))).toBe(true);
    expectFilled(prompt.slice(0, -NASTY_TASK.length));
  });

  it('says who the worker is, where, its scope, how to report, and who the peers are', () => {
    const head = renderPrompt(parts()).slice(0, -NASTY_TASK.length);
    expect(head).toContain('You are worker api in project shop');
    expect(head).toContain('`czar/api`');
    expect(head).toContain('/work/shop-wt/api');
    expect(head).toContain('`src/api/**`');
    expect(head).toContain(
      'czar report --task api --state <working|idle|waiting|done|blocked> [--progress N] [--note TEXT] [--result-file F]',
    );
    expect(head).toContain('czar peers');
    expect(head).toContain('- ui on `czar/ui`: Build the UI (scope: src/ui/**)');
    expect(head).toContain('Your role: implementer');
    expect(head.indexOf('Your role')).toBeGreaterThan(head.indexOf('The other workers'));
  });

  it('puts what finished dependencies delivered before the task', () => {
    const prompt = renderPrompt(parts({ dependencies: [summary], roleText: undefined, peers: [], scope: [] }));
    expect(prompt).toContain('your dependency db is done');
    expect(prompt).toContain('0123456789ab Add schema');
    expect(prompt).toContain('You are the only worker.');
    expect(prompt).toContain('anywhere in the repository');
    expect(prompt.endsWith(NASTY_TASK)).toBe(true);
  });
});

describe('messages', () => {
  it('re-brief pastes the current task whole at the end', () => {
    const task: GivenTask = {
      id: 'api',
      title: 't',
      text: NASTY_TASK,
      scope: [],
      roleText: undefined,
      buildsOn: undefined,
      at: 0,
      commitsAtStart: 0,
    };
    const text = renderRebrief(templates, place, task);
    expect(text.endsWith(`\n\n${NASTY_TASK}`)).toBe(true);
    expectFilled(text.slice(0, -NASTY_TASK.length));
    expect(text).toContain('git log main..HEAD');
  });

  it('bonus names the task, what it builds on and its scope, then the task whole', () => {
    const task = bonusTask('docs', {
      task: NASTY_TASK,
      title: 'Write docs',
      scope: ['docs/**'],
      buildsOn: 'db',
      roleText: '## Your role: writer',
    });
    const text = renderBonus(templates, place, task, summary);
    expect(text.endsWith(NASTY_TASK)).toBe(true);
    const head = text.slice(0, -NASTY_TASK.length);
    expectFilled(head);
    expect(head).toContain('(docs: Write docs)');
    expect(head).toContain('It builds on the work of db: branch `czar/db`, last commit 0123456789ab Add schema.');
    expect(head).toContain('`docs/**`');
    expect(head).toContain('## Your role: writer');
    expect(renderBonus(templates, place, bonusTask('x', { buildsOn: 'api' }), undefined)).toContain(
      'builds on your own previous work',
    );
  });

  it('nudge says which kind of stall it is and how to report', () => {
    const idle = renderNudge(templates, place, 'idle', 'idle 95 s with no done report');
    expect(idle).toContain('your task is not reported done (idle 95 s with no done report)');
    expect(idle).toContain('czar report --state done');
    expect(renderNudge(templates, place, 'no_evidence', '')).toContain('no new commits ahead of `main`');
    expectFilled(renderNudge(templates, place, 'stuck', '20 min'));
  });

  it('realign names the off-scope files and restates the scope', () => {
    const text = renderRealign(templates, place, ['src/ui/app.tsx', 'README.md'], ['src/api/**']);
    expect(text).toContain('  - `src/ui/app.tsx`\n  - `README.md`');
    expect(text).toContain('Your scope is:\n  - `src/api/**`');
    expectFilled(text);
  });

  it('dependency-ready gives branch, commits, files and note', () => {
    const text = renderDependencyReady(templates, place, summary);
    expect(text).toContain('`czar/db` (3 commit(s) ahead of `main`)');
    expect(text).toContain('- `db/schema.sql`');
    expect(text).toContain('Its note: schema migrated');
    expectFilled(text);
  });
});

describe('the note for a resumed conversation', () => {
  it('says which checkpoints are done, with their commits, and where to go on from', () => {
    const checkpoints = [
      { text: 'Lexer', doneAt: 1, commit: 'a'.repeat(40) },
      { text: 'Parser', doneAt: 2, commit: 'b'.repeat(40) },
      { text: 'Printer' },
      { text: 'Docs' },
    ];
    const text = renderRestarted(templates, place, ['abc123 lexer'], 'api', checkpoints);
    expect(text).toContain('- `abc123 lexer`');
    expect(text).toContain(`1. [x] Lexer (done at ${'a'.repeat(12)})`);
    expect(text).toContain('3. [ ] Printer');
    expect(text).toContain('2 of 4 are done already (ticked above, with their commits): go on from checkpoint 3');
    expectFilled(text);
    expect(renderRestarted(templates, place, [], 'api', undefined)).not.toContain('Checkpoints');
  });
});

describe('the re-brief of a stalled worker', () => {
  it('after checkpoint 2 of 4, says so: the done ones ticked with their commits, and where to go on from', () => {
    const task: GivenTask = {
      id: 'api',
      title: 'api',
      text: '# Compiler\n- [ ] Lexer\n- [ ] Parser\n- [ ] Printer\n- [ ] Docs\n',
      scope: [],
      roleText: undefined,
      buildsOn: undefined,
      at: 0,
      commitsAtStart: 0,
      checkpoints: [
        { text: 'Lexer', doneAt: 1, commit: 'a'.repeat(40) },
        { text: 'Parser', doneAt: 2, commit: 'b'.repeat(40) },
        { text: 'Printer' },
        { text: 'Docs' },
      ],
    };
    const text = renderRebrief(templates, place, task);
    expect(text).toContain(`2. [x] Parser (done at ${'b'.repeat(12)})`);
    expect(text).toContain('3. [ ] Printer');
    expect(text).toContain('2 of 4 are done already (ticked above, with their commits): go on from checkpoint 3');
    expect(text.endsWith(task.text)).toBe(true);
    expectFilled(text);
  });
});

describe("another worker's text stays on one line", () => {
  const INJECTED = 'all good\r\ntouch pwned\nrm -rf ~\tx';

  /** No line of the message is one of the injected commands: each stayed inside the line it came with. */
  function expectNoInjectedLine(text: string): void {
    for (const line of text.split(/\r?\n|\r/))
      expect(['touch pwned', 'rm -rf ~', 'rm -rf ~\tx']).not.toContain(line.trim());
  }

  it('dependency-ready: the note, commit subject and file names a worker wrote', () => {
    const hostile: DeliverySummary = {
      ...summary,
      note: INJECTED,
      lastCommit: { sha: summary.lastCommit?.sha ?? '', subject: `Add\ntouch pwned` },
      files: ['a\ntouch pwned'],
    };
    const text = renderDependencyReady(templates, place, hostile);
    expectNoInjectedLine(text);
    expect(text).toContain('Its note: all good\u240d\u240atouch pwned\u240arm -rf ~\u2409x');
  });

  it('the preamble and a bonus: titles', () => {
    const prompt = renderPrompt(
      parts({
        peers: [{ name: 'ui', branch: 'czar/ui', title: `UI\ntouch pwned`, scope: [] }],
        dependencies: [{ ...summary, note: INJECTED }],
      }),
    );
    expectNoInjectedLine(prompt.slice(0, -NASTY_TASK.length));
    const bonus = renderBonus(templates, place, bonusTask('docs', { title: `Docs\rtouch pwned`, buildsOn: 'db' }), {
      ...summary,
      lastCommit: { sha: '0123456789ab', subject: 'x\ntouch pwned' },
    });
    expectNoInjectedLine(bonus);
  });
});

describe('fill', () => {
  it('fix-up names the check, the commit, the command, the log and the output tail, indented', () => {
    const text = renderFixup(templates, place, 'c'.repeat(40), {
      name: 'test',
      run: 'npm test',
      exitCode: 2,
      timedOut: false,
      tail: 'FAIL a.test.ts\n{{worker}} stays',
      logFile: '/s/.czar/checks/api/c.log',
    });
    expect(text).toContain('Check "test" failed (exit status 2) on commit cccccccccccc.');
    expect(text).toContain('Command: `npm test`');
    expect(text).toContain('/s/.czar/checks/api/c.log');
    expect(text).toContain('    FAIL a.test.ts\n    {{worker}} stays');
    expect(
      renderFixup(templates, place, 'c'.repeat(40), {
        name: 'slow',
        run: 'sleep 9',
        exitCode: undefined,
        timedOut: true,
        tail: '',
        logFile: 'l',
      }),
    ).toContain('Check "slow" ran past its timeout and was stopped');
  });

  it('conflict warning names the files and who owns the other side, or advises merging base', () => {
    const peer = renderConflict(templates, place, [{ peer: 'web', peerBranch: 'czar/web', files: ['src/x.ts'] }]);
    expect(peer).toMatch(
      /^Worker api: git predicts that merging your branch `czar\/api` with web's branch `czar\/web` \(worker web owns that side\) will conflict in:\n {2}- `src\/x\.ts`/,
    );
    expect(renderConflict(templates, place, [{ peer: undefined, peerBranch: 'main', files: ['README.md'] }])).toContain(
      'Merge `main` into your branch now',
    );
  });

  it('conflicts with several branches come in one message, each branch with its owner and files', () => {
    const text = renderConflict(templates, place, [
      { peer: 'web', peerBranch: 'czar/web', files: ['src/x.ts', 'src/y.ts'] },
      { peer: 'db', peerBranch: 'czar/db', files: ['src/x.ts'] },
      { peer: undefined, peerBranch: 'main', files: ['README.md'] },
    ]);
    expect(text).toContain('with each of the 3 branches below will conflict in:');
    expect(text).toContain(
      '  - `czar/web` (worker web): `src/x.ts`, `src/y.ts`\n  - `czar/db` (worker db): `src/x.ts`',
    );
    expect(text).toContain('  - the base branch `main`: `README.md`');
    expect(text).toContain('Merge `main` into your branch now');
    expect(text).toContain("do not rewrite the other workers' lines there; run `czar peers` to see their tasks.");
  });

  it('does not rescan values, so placeholders inside them stay as written', () => {
    expect(fill('a {{x}} b', { x: '{{x}} $& $1' }, 'nudge')).toBe('a {{x}} $& $1 b');
  });

  it('throws one sentence naming the template and the unknown placeholder', () => {
    const attempt = (): string => fill('Hi {{wroker}}', { worker: 'api' }, 'nudge');
    expect(attempt).toThrow(CzarError);
    expect(attempt).toThrow(
      'prompts/nudge.md uses {{wroker}}, which czar does not fill there; use one of {{worker}} or remove it.',
    );
  });
});
