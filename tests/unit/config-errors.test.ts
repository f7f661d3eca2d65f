import { describe, expect, it } from 'vitest';
import { checkConfigText } from '../../src/config/validate.js';
import { editDistance, suggest } from '../../src/config/problems.js';

/** The placed problem lines for a config text (the test fails if the text is valid). */
function problems(text: string): readonly string[] {
  const checked = checkConfigText(text, 'czar.yaml');
  if (checked.ok) throw new Error('expected the config to be invalid');
  return checked.problems;
}

const head = 'project: sark\nworkers:\n';

// One test per kind of mistake, each asserting the exact file:line:col and key path a person would see.
describe('config mistakes', () => {
  it('unknown key, with a suggestion', () => {
    expect(problems('project: sark\nworker: []\n')).toEqual([
      'czar.yaml:2:1: unknown key "worker"; did you mean "workers"?',
    ]);
  });

  it('unknown nested key, with a suggestion and no duplicate "missing" problem', () => {
    expect(problems(`${head}  - nmae: api\n    task: x\n`)).toEqual([
      'czar.yaml:3:5: unknown key "nmae" in workers[0]; did you mean "name"?',
    ]);
  });

  it('unknown key with nothing close lists the allowed keys', () => {
    expect(problems(`${head}  - name: api\n    task: x\npolicy: { zzz: 1 }\n`)[0]).toMatch(
      /^czar\.yaml:5:11: unknown key "zzz" in policy; allowed keys here are launch_concurrency, .*escalate_after, check_concurrency, budget(, [a-z_]+)*\.$/,
    );
  });

  it('bad name', () => {
    expect(problems(`${head}  - name: api\n    task: x\n  - name: Gateway\n    task: y\n`)).toEqual([
      'czar.yaml:5:11: workers[1].name "Gateway" is not a valid name; use lowercase letters, digits, "-" or "_", starting with a letter or digit.',
    ]);
  });

  it('a name too long for the files and branches made from it', () => {
    const long = 'a'.repeat(65);
    expect(problems(`${head}  - name: ${long}\n    task: x\n`)).toEqual([
      `czar.yaml:3:11: workers[0].name "${'a'.repeat(40)}..." is 65 characters long; file, branch and tmux session names are made from it, so keep it to 64 or fewer.`,
    ]);
  });

  it('duplicate name', () => {
    expect(problems(`${head}  - name: api\n    task: x\n  - name: api\n    task: y\n`)).toEqual([
      'czar.yaml:5:11: workers[1].name "api" is already used by workers[0]; give each worker its own name.',
    ]);
  });

  it('duplicate branch', () => {
    expect(
      problems(`${head}  - { name: a, task: x, branch: feat/x }\n  - { name: b, task: y, branch: feat/x }\n`),
    ).toEqual([
      'czar.yaml:4:33: workers[1].branch "feat/x" is already used by workers[0]; give each worker its own branch.',
    ]);
  });

  it('a worker on the integration branch, the default one or one written', () => {
    expect(problems(`${head}  - { name: integration, task: x }\n`)).toEqual([
      'czar.yaml:3:5: workers[0] would use branch "czar/integration", which is the integration branch czar merges finished work into; set a different branch: for the worker or another integration.branch.',
    ]);
    expect(problems(`${head}  - { name: a, task: x, branch: ship }\nintegration: { branch: ship }\n`)).toEqual([
      'czar.yaml:4:24: integration.branch "ship" is worker "a"\'s branch; czar never merges into a worker\'s branch, so name another, e.g. czar/integration.',
    ]);
  });

  it('a worker on the base branch', () => {
    expect(problems(`${head}  - { name: a, task: x, branch: main }\nbase: main\n`)).toEqual([
      'czar.yaml:3:33: workers[0].branch "main" is the base branch: the worker\'s commits would land on it directly, past checks, review and integration; give the worker a branch of its own, e.g. czar/a.',
    ]);
  });

  it('reserved name', () => {
    expect(problems(`${head}  - name: czar\n    task: x\n`)).toEqual([
      'czar.yaml:3:11: workers[0].name "czar" is reserved for the supervisor\'s own session; pick another name.',
    ]);
  });

  it('missing task', () => {
    expect(problems(`${head}  - name: api\n    branch: b\n`)).toEqual([
      'czar.yaml:3:5: workers[0] needs a task; add task: with the text or task_file: with a path such as tasks/gateway.md.',
    ]);
  });

  it('both task and task_file', () => {
    expect(problems(`${head}  - name: api\n    task: x\nbonus:\n  - task: y\n    task_file: t.md\n`)).toEqual([
      'czar.yaml:6:5: bonus[0] has both task and task_file; keep only one of them.',
    ]);
  });

  it('missing required key, with an example value', () => {
    expect(problems('workers:\n  - task: x\n')).toEqual([
      'czar.yaml:1:1: missing required key "project"; add it, e.g. project: sark.',
      'czar.yaml:2:5: workers[0] is missing required key "name"; add it, e.g. name: gateway.',
    ]);
  });

  it('wrong type says what was expected and what was found', () => {
    expect(problems(`${head}  - name: api\n    task: x\n    scope: src/**\n    env: { PORT: 8080 }\n`)).toEqual([
      'czar.yaml:5:12: workers[0].scope should be a list, found the string "src/**".',
      'czar.yaml:6:18: workers[0].env.PORT should be a string, found the number 8080; quote it: "8080".',
    ]);
  });

  it('unknown agent', () => {
    expect(problems(`${head}  - name: api\n    task: x\n    agent: cladue\n`)).toEqual([
      'czar.yaml:5:12: workers[0].agent "cladue" is not a built-in agent or an agents: entry; did you mean "claude"?',
    ]);
  });

  it('new agent without a command', () => {
    expect(problems(`${head}  - name: api\n    task: x\nagents:\n  bot: { args: [-v] }\n`)).toEqual([
      'czar.yaml:6:8: agents.bot is missing required key "command"; a new agent needs the program to run, e.g. command: ./bin/bot.',
    ]);
  });

  it('dependency cycle', () => {
    const text = `${head}  - { name: a, task: x, depends_on: [c] }\n  - { name: b, task: y, depends_on: [a] }\n  - { name: c, task: z, depends_on: [b] }\n`;
    expect(problems(text)).toEqual([
      'czar.yaml:3:37: workers[0].depends_on forms a dependency cycle a -> c -> b -> a; remove one of these dependencies so the workers can start.',
    ]);
  });

  it('self dependency', () => {
    expect(problems(`${head}  - { name: a, task: x, depends_on: [a] }\n`)).toEqual([
      'czar.yaml:3:38: workers[0].depends_on[0] "a" is the worker itself; a worker cannot wait for itself, so remove it.',
    ]);
  });

  it('unknown dependency', () => {
    expect(
      problems(`${head}  - { name: models, task: x }\n  - { name: api, task: y, depends_on: [modles] }\n`),
    ).toEqual(['czar.yaml:4:40: workers[1].depends_on[0] "modles" is not a worker name; did you mean "models"?']);
  });

  it('builds_on that is not a worker', () => {
    expect(problems(`${head}  - { name: api, task: x }\nbonus:\n  - { task: y, builds_on: web }\n`)).toEqual([
      'czar.yaml:5:27: bonus[0].builds_on "web" is not a worker name; use one of "api".',
    ]);
  });

  it('duplicate bonus name', () => {
    expect(
      problems(`${head}  - { name: api, task: x }\nbonus:\n  - { task: y }\n  - { name: bonus-1, task: z }\n`),
    ).toEqual([
      'czar.yaml:6:13: bonus[1].name "bonus-1" is already used by bonus[0]; give each bonus task its own name.',
    ]);
  });

  it('duplicate check name, in the fleet list and in a worker list', () => {
    const text = `${head}  - name: api\n    task: x\n    checks:\n      - { name: test, run: a }\n      - { name: test, run: b }\nchecks:\n  - { name: lint, run: c }\n  - { name: lint, run: d }\n`;
    expect(problems(text)).toEqual([
      'czar.yaml:7:17: workers[0].checks[1].name "test" is already used by workers[0].checks[0]; give each check its own name (a worker\'s check replaces the fleet\'s of the same name).',
      'czar.yaml:10:13: checks[1].name "lint" is already used by checks[0]; give each check its own name (a worker\'s check replaces the fleet\'s of the same name).',
    ]);
  });

  it('check without a command', () => {
    expect(problems(`${head}  - name: api\n    task: x\nchecks:\n  - { name: test }\n`)[0]).toMatch(
      /^czar\.yaml:6:5: checks\[0\] is missing required key "run"/,
    );
  });

  it('bad duration', () => {
    expect(problems(`${head}  - { name: api, task: x }\npolicy:\n  idle_after: 5 minutes\n`)).toEqual([
      'czar.yaml:5:15: policy.idle_after "5 minutes" is not a duration; write e.g. 500ms, 90s, 20m, 1h30m or a number of seconds.',
    ]);
  });

  it('durations too short to supervise by, each named with the least it may be', () => {
    const text = `${head}  - { name: api, task: x, checks: [{ name: t, run: 'true', timeout: 0 }] }\npolicy:\n  idle_after: 0s\n  escalate_after: 200ms\n  stuck_after: 1s\n  restart: { backoff: 0 }\n`;
    expect(problems(text)).toEqual([
      'czar.yaml:3:69: workers[0].checks[0].timeout 0 is shorter than 1s, the least czar accepts for it; write a longer one, e.g. timeout: 10m.',
      'czar.yaml:5:15: policy.idle_after "0s" is shorter than 3s, the least czar accepts for it; write a longer one, e.g. idle_after: 90s.',
      'czar.yaml:6:19: policy.escalate_after "200ms" is shorter than 3s, the least czar accepts for it; write a longer one, e.g. escalate_after: 5m.',
      'czar.yaml:7:16: policy.stuck_after "1s" is shorter than 5s, the least czar accepts for it; write a longer one, e.g. stuck_after: 20m.',
      'czar.yaml:8:23: policy.restart.backoff 0 is shorter than 1s, the least czar accepts for it; write a longer one, e.g. backoff: 30s.',
    ]);
  });

  it('the shortest durations czar accepts pass, and launch_stagger may be 0', () => {
    expect(
      checkConfigText(
        `${head}  - { name: api, task: x }\npolicy: { idle_after: 3s, escalate_after: 3, stuck_after: 5s, restart: { backoff: 1s }, launch_stagger: 0 }\n`,
        'czar.yaml',
      ).ok,
    ).toBe(true);
  });

  it('env keys czar sets itself are refused in a worker and in an agent', () => {
    expect(
      problems(
        `${head}  - { name: api, task: x, env: { CZAR_WORKER: me, PATH: /opt/bin } }\nagents:\n  bot: { command: ./bot, env: { CZAR_STATE_DIR: /tmp } }\n`,
      ),
    ).toEqual([
      'czar.yaml:3:34: workers[0].env.CZAR_WORKER is set by czar itself for each agent, so it cannot be given here; remove it (PATH may be set: czar puts its own bin folder first on it).',
      'czar.yaml:5:33: agents.bot.env.CZAR_STATE_DIR is set by czar itself for each agent, so it cannot be given here; remove it (PATH may be set: czar puts its own bin folder first on it).',
    ]);
  });

  it('stuck_after not longer than idle_after', () => {
    expect(problems(`${head}  - { name: api, task: x }\npolicy: { idle_after: 10m, stuck_after: 5m }\n`)).toEqual([
      'czar.yaml:4:41: policy.stuck_after makes stuck_after (300s) no longer than idle_after (600s); a worker must be idle before it can be stuck, so make stuck_after longer.',
    ]);
  });

  it('bad regex', () => {
    expect(
      problems(`${head}  - { name: api, task: x }\npolicy:\n  auto_answer:\n    - { match: "(y/n", send: y }\n`),
    ).toEqual([
      'czar.yaml:6:16: policy.auto_answer[0].match "(y/n" is not a valid regular expression (/(y/n/: Unterminated group); fix it or escape special characters with a backslash.',
    ]);
  });

  it('bad entry inside auto_answer points at the entry, not the whole union', () => {
    expect(
      problems(`${head}  - { name: api, task: x }\npolicy:\n  auto_answer:\n    - { match: x, send: 5 }\n`),
    ).toEqual([
      'czar.yaml:6:25: policy.auto_answer[0].send should be a tmux key name or a list of them, e.g. [y, Enter], found the number 5.',
    ]);
  });

  it('YAML syntax error', () => {
    expect(problems(`${head}  - name: api\n   task: x\n`)).toEqual([
      'czar.yaml:4:1: YAML syntax error: Sequence item without - indicator; fix the indentation or quoting there.',
    ]);
  });

  it('duplicate YAML key is a syntax error at the second key', () => {
    expect(problems(`project: a\nproject: b\nworkers: []\n`)[0]).toMatch(
      /^czar\.yaml:2:1: YAML syntax error: Map keys must be unique/,
    );
  });

  it('empty file', () => {
    expect(problems('')).toEqual([
      'czar.yaml:1:1: the config must be a mapping of keys such as project: and workers:, found nothing.',
    ]);
  });

  it('no workers', () => {
    expect(problems('project: sark\nworkers: []\n')).toEqual([
      'czar.yaml:2:10: workers is empty; add at least one worker, e.g. workers: [{ name: gateway, task: "Implement the gateway" }].',
    ]);
  });

  it('an inline task larger than czar pastes', () => {
    expect(problems(`${head}  - name: api\n    task: ${'x'.repeat(1024 * 1024 + 1)}\n`)).toEqual([
      'czar.yaml:4:11: workers[0].task is larger than 1 MB, the most czar pastes as a task; shorten it, and leave the detail in files the worker reads in its worktree.',
    ]);
  });

  it('scope patterns czar cannot honour, each with its reason', () => {
    const scope = (pattern: string) => problems(`${head}  - { name: api, task: x, scope: ['${pattern}'] }\n`);
    expect(scope('!src/**')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "!src/**" is a negation, which scopes do not support; list the paths the worker may touch instead.',
    ]);
    expect(scope('/etc/**')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "/etc/**" is an absolute path; scopes are relative to the repository root, e.g. src/**.',
    ]);
    expect(scope('../x/**')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "../x/**" points outside the repository; scopes are relative to the repository root, e.g. src/**.',
    ]);
    expect(scope('src/../../x')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "src/../../x" points outside the repository; scopes are relative to the repository root, e.g. src/**.',
    ]);
    expect(scope('src/../docs/**')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "src/../docs/**" has a ".." segment, which a scope would match literally; write the path from the repository root: docs/**.',
    ]);
    expect(scope('src/[')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "src/[" uses [ ], which scopes do not support; use {a,b} for alternatives or * for any characters.',
    ]);
    expect(scope('src/{a,b')).toEqual([
      'czar.yaml:3:35: workers[0].scope[0] "src/{a,b" has a "{" without its "}"; close it, e.g. src/{api,web}/**.',
    ]);
    expect(problems(`${head}  - { name: api, task: x }\nbonus:\n  - { task: y, scope: [/abs] }\n`)).toEqual([
      'czar.yaml:5:24: bonus[0].scope[0] "/abs" is an absolute path; scopes are relative to the repository root, e.g. src/**.',
    ]);
  });

  it('scope patterns czar honours pass', () => {
    expect(
      checkConfigText(
        `${head}  - { name: api, task: x, scope: ['src/**', './docs/', 'a/{b,c}/*.ts', 'x..y/**'] }\n`,
        'czar.yaml',
      ).ok,
    ).toBe(true);
  });

  it('unknown dependency of the only worker says there is no other worker', () => {
    expect(problems(`${head}  - { name: api, task: x, depends_on: [web] }\n`)).toEqual([
      'czar.yaml:3:40: workers[0].depends_on[0] "web" is not a worker name, and api is the only worker; add a worker named "web" or remove the dependency.',
    ]);
  });

  it('a second YAML document', () => {
    expect(problems(`${head}  - { name: api, task: x }\n---\nproject: other\n`)).toEqual([
      'czar.yaml:4:1: a second YAML document starts here; czar.yaml holds one, so remove this "---" line and what follows or merge it into the first.',
    ]);
  });

  it('a YAML alias bomb is a config problem, not a crash', () => {
    const rows = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...['b', 'c', 'd', 'e', 'f'].map(
        (name, index) =>
          `${name}: &${name} [${Array(9)
            .fill(`*${'abcde'[index] ?? ''}`)
            .join(', ')}]`,
      ),
    ];
    expect(problems(`${head}  - { name: api, task: x }\n${rows.join('\n')}\n`)).toEqual([
      'czar.yaml:1:1: the YAML expands its aliases (*name) too many times, as an alias bomb does; write the repeated values out or use fewer aliases.',
    ]);
  });

  it('an x- key other than at the top is still an unknown key', () => {
    expect(problems(`${head}  - { name: api, task: x, x-note: y }\n`)).toEqual([
      'czar.yaml:3:27: unknown key "x-note" in workers[0]; allowed keys here are name, task, task_file, branch, agent, role, kind, scope, depends_on, env, host, checks, review, checkpoints, sandbox.',
    ]);
  });

  it('reports every problem at once, in file order', () => {
    const text = `project: Sark\nworkers:\n  - { name: a, task: x, agent: nope }\n  - { name: a, task: y }\npolicy: { max_active: 0 }\n`;
    // Schema problems first: the rules only run on a schema-valid file.
    expect(problems(text)).toEqual([
      'czar.yaml:1:10: project "Sark" is not a valid project name; use lowercase letters, digits, "-" or "_", starting with a letter or digit.',
      'czar.yaml:5:23: policy.max_active should be at least 1, found the number 0.',
    ]);
    expect(problems(text.replace('Sark', 'sark').replace('0 }', '1 }'))).toHaveLength(2);
  });
});

describe('suggest', () => {
  it('counts a swap of two letters as one edit', () => expect(editDistance('nmae', 'name')).toBe(1));
  it('offers a prefix match', () => expect(suggest('depends', ['name', 'depends_on'])).toBe('depends_on'));
  it('offers nothing for unrelated words', () => expect(suggest('zzz', ['name', 'task'])).toBeUndefined());
});

describe('YAML anchors', () => {
  it('merge keys share worker settings, and top-level x- keys hold the anchors', () => {
    const checked = checkConfigText(
      'project: sark\nx-common: &common\n  agent: sim\n  scope: [src/**]\nworkers:\n  - <<: *common\n    name: api\n    task: x\n  - { <<: *common, name: web, task: y, agent: claude }\n',
      'czar.yaml',
    );
    if (!checked.ok) throw new Error(checked.problems.join('\n'));
    expect(checked.written.workers.map((worker) => [worker.name, worker.agent, worker.scope])).toEqual([
      ['api', 'sim', ['src/**']],
      ['web', 'claude', ['src/**']],
    ]);
  });

  it('a large fleet may merge one anchor into every worker; only an alias bomb is refused', () => {
    const workers = Array.from({ length: 300 }, (_, index) => `  - { <<: *common, name: w${index}, task: x }`).join(
      '\n',
    );
    const checked = checkConfigText(
      `project: sark\nx-common: &common\n  agent: sim\nworkers:\n${workers}\n`,
      'czar.yaml',
    );
    expect(checked.ok ? checked.written.workers.length : checked.problems).toBe(300);
  });

  it('a merged key that is wrong is placed at the worker that merges it', () => {
    expect(
      problems(
        'project: sark\nx-common: &common\n  agnet: sim\nworkers:\n  - <<: *common\n    name: api\n    task: x\n',
      ),
    ).toEqual(['czar.yaml:5:5: unknown key "agnet" in workers[0]; did you mean "agent"?']);
  });
});
