import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/config/normalise.js';
import { checkConfigText } from '../../src/config/validate.js';
import { presetFor } from '../../src/agents/index.js';
import { boxedTranscriptContext } from '../../src/agents/transcripts.js';
import {
  agentMode,
  boxArgv,
  boxLines,
  boxVerdict,
  doorBoxVerdict,
  withMode,
  type BoxEngine,
} from '../../src/domain/model/box.js';
import { boxedCacheEnv } from '../../src/domain/model/box-home.js';
import { boxNetwork, endpointFiles, endpointsIn } from '../../src/domain/model/box-network.js';
import { judgedHereLine, judgedHereVerdict } from '../../src/domain/model/judged-here.js';

function checked(text: string) {
  return checkConfigText(text, 'czar.yaml');
}

function problems(text: string): readonly string[] {
  const result = checked(text);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.problems;
}

function resolved(text: string) {
  const result = checked(text);
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return normalise(result.written, {
    file: '/home/dev/p/czar.yaml',
    repoTop: '/home/dev/p',
    currentBranch: 'main',
    taskFiles: new Map(),
    roles: new Map(),
    lineOf: () => 1,
  });
}

const BWRAP: BoxEngine = {
  kind: 'bwrap',
  path: '/usr/bin/bwrap',
  version: 'bubblewrap 0.8.0',
  socat: '/usr/bin/socat',
};
const NONE: BoxEngine = { kind: 'none', reason: 'bwrap is not installed' };

describe('sandbox: in the config', () => {
  it('is off unless asked; fleet-wide, or per worker in short or long form, a worker replacing the fleet', () => {
    const config = resolved(
      [
        'project: p',
        'sandbox: on',
        'workers:',
        '  - { name: a, task: x }',
        '  - { name: b, task: y, sandbox: off }',
        '  - name: c',
        '    task: z',
        '    sandbox: { mode: required, allow_hosts: ["registry.npmjs.org:443"], writable: [cache, /srv/out] }',
        '',
      ].join('\n'),
    );
    expect(config.workers.map((worker) => [worker.name, worker.sandbox, worker.worktree])).toEqual([
      ['a', { mode: 'on', allowHosts: [], writable: [], prompts: 'skip' as const }, '/home/dev/p/.czar/work/a'],
      ['b', undefined, '/home/dev/p-workers/b'],
      [
        'c',
        {
          mode: 'required',
          allowHosts: ['registry.npmjs.org:443'],
          writable: ['/home/dev/p/cache', '/srv/out'],
          prompts: 'skip',
        },
        '/home/dev/p/.czar/work/c',
      ],
    ]);
    expect(resolved('project: p\nworkers:\n  - { name: a, task: x }\n').workers[0]?.sandbox).toBeUndefined();
  });

  it('says where a bad mode, host:port or writable folder is written, and how to fix it', () => {
    expect(problems('project: p\nsandbox: maybe\nworkers:\n  - { name: a, task: x }\n')[0]).toMatch(
      /^czar\.yaml:2:10: sandbox /,
    );
    expect(
      problems(
        'project: p\nworkers:\n  - name: a\n    task: x\n    sandbox: { mode: on, allow_hosts: [example.com] }\n',
      ),
    ).toEqual([
      'czar.yaml:5:40: workers[0].sandbox.allow_hosts[0] "example.com" is not a host:port; write e.g. registry.npmjs.org:443 (a name or [IPv6], and a port from 1 to 65535).',
    ]);
    expect(
      problems('project: p\nworkers:\n  - name: a\n    task: x\n    sandbox: { mode: on, writable: [..] }\n'),
    ).toEqual([
      "czar.yaml:5:37: workers[0].sandbox.writable[0] \"..\" holds czar.yaml's folder (the repository and czar's state), so a boxed worker could write its siblings' branches and reports; name a folder of its own instead.",
    ]);
    expect(
      problems(
        'project: p\nsandbox: { mode: required, allow_hosts: [example.com:443] }\nhosts:\n  - { name: gpu1, ssh: dev@gpu1, worktrees: /srv, max_workers: 2 }\nworkers:\n  - { name: a, task: x, host: gpu1 }\n  - { name: b, task: x, host: gpu1, sandbox: required }\n',
      ),
    ).toEqual([
      'czar.yaml:6:31: workers[0].host worker "a" runs on host "gpu1", where its box has no network door and no writable folders yet, so its allow_hosts cannot be kept; remove it for this worker or run it on this machine.',
    ]);
  });
});

describe('the box', () => {
  const worker = { name: 'a', worktree: '/p/.czar/work/a' };
  it('refuses required without an engine in one sentence, and runs on unboxed', () => {
    const required = {
      ...worker,
      sandbox: { mode: 'required' as const, allowHosts: [], writable: [], prompts: 'skip' as const },
    };
    const on = { ...worker, sandbox: { mode: 'on' as const, allowHosts: [], writable: [], prompts: 'skip' as const } };
    expect(boxVerdict(required, BWRAP)).toEqual({ kind: 'boxed' });
    expect(boxVerdict(required, NONE)).toEqual({
      kind: 'refused',
      why: 'worker "a" has sandbox: required but this machine has no sandbox engine (bwrap is not installed); install bubblewrap (apt-get install bubblewrap) or set sandbox: on to run it unboxed.',
    });
    expect(boxVerdict(on, NONE).kind).toBe('unboxed');
    expect(boxLines([on, { name: 'b', worktree: '/w/b' }], BWRAP, () => undefined)).toEqual([
      'sandbox engine: bubblewrap 0.8.0 at /usr/bin/bwrap, socat at /usr/bin/socat',
      'a: boxed (on); writes /p/.czar/work/a, its agent’s private config, a /tmp of its own; network: only its agent’s model endpoint, through czar’s door; sees its own processes only, no tmux socket, no siblings; its checks boxed with no network, its reviewer boxed with only its model endpoint',
      'a: agent mode: as configured: its agent has no no-approval mode',
    ]);
  });

  it('needs socat besides bubblewrap: on runs unboxed saying why, required refuses in one sentence', () => {
    const noSocat: BoxEngine = { ...BWRAP, socat: undefined };
    const sandbox = (mode: 'on' | 'required') => ({ mode, allowHosts: [], writable: [], prompts: 'skip' as const });
    expect(boxVerdict({ ...worker, sandbox: sandbox('required') }, noSocat)).toEqual({ kind: 'boxed' });
    expect(doorBoxVerdict({ ...worker, sandbox: sandbox('on') }, noSocat)).toEqual({
      kind: 'unboxed',
      why: 'socat is not installed, and a boxed worker reaches its model only through socat; sandbox: on runs it unboxed',
    });
    expect(doorBoxVerdict({ ...worker, sandbox: sandbox('required') }, noSocat)).toEqual({
      kind: 'refused',
      why: 'worker "a" has sandbox: required but socat is not installed, and a boxed worker reaches its model only through socat; install it (apt-get install socat) or set sandbox: on to run it unboxed.',
    });
    // On a host, the sentence names it.
    expect(doorBoxVerdict({ ...worker, sandbox: sandbox('required') }, noSocat, 'host "far"')).toEqual({
      kind: 'refused',
      why: 'worker "a" has sandbox: required but socat is not installed on host "far", and a boxed worker reaches its model only through socat; install it there (apt-get install socat) or set sandbox: on to run it unboxed.',
    });
    expect(boxLines([{ ...worker, sandbox: sandbox('on') }], noSocat, () => undefined)[0]).toBe(
      'sandbox engine: bubblewrap 0.8.0 at /usr/bin/bwrap, socat: not installed (apt-get install socat)',
    );
  });

  it("judges a host worker's checks and reviewer by this machine's engine, in sentences saying they run here", () => {
    const noSocat: BoxEngine = { ...BWRAP, socat: undefined };
    const sandbox = (mode: 'on' | 'required') => ({ mode, allowHosts: [], writable: [], prompts: 'skip' as const });
    const required = { ...worker, sandbox: sandbox('required') };
    expect(judgedHereVerdict(required, BWRAP, true)).toEqual({ kind: 'boxed' });
    // A check's box has no door: bubblewrap alone will do, unless a reviewer needs its door's socat.
    expect(judgedHereVerdict(required, noSocat, false)).toEqual({ kind: 'boxed' });
    expect(judgedHereVerdict(required, noSocat, true)).toEqual({
      kind: 'refused',
      why: 'worker "a" has sandbox: required and its checks and reviewer run on this machine, but socat is not installed here, and its boxed reviewer reaches its model only through socat; install socat (apt-get install socat) here or set sandbox: on to run them unboxed.',
    });
    expect(judgedHereVerdict(required, NONE, false)).toEqual({
      kind: 'refused',
      why: 'worker "a" has sandbox: required and its checks run on this machine, but this machine has no sandbox engine (bwrap is not installed); install bubblewrap (apt-get install bubblewrap) here or set sandbox: on to run them unboxed.',
    });
    const on = { ...worker, sandbox: sandbox('on') };
    expect(judgedHereVerdict(on, NONE, false)).toEqual({
      kind: 'unboxed',
      why: 'this machine has no sandbox engine (bwrap is not installed)',
    });
    expect(judgedHereVerdict(worker, NONE, true)).toEqual({ kind: 'unboxed', why: 'sandbox: off' });
    expect(judgedHereLine({ ...on, review: {} }, { kind: 'boxed' })).toBe(
      'a: its checks run on this machine boxed with no network, its reviewer boxed with only its model endpoint',
    );
    expect(judgedHereLine(on, judgedHereVerdict(on, NONE, false))).toBe(
      'a: its checks run on this machine not boxed: this machine has no sandbox engine (bwrap is not installed)',
    );
  });

  it('mounts the system read-only, then hides, then opens its own folder, and keeps its git config and hooks read-only', () => {
    const argv = boxArgv('/usr/bin/bwrap', {
      folder: '/p/.czar/work/a',
      door: '/p/.czar/doors/a',
      stateDir: '/p/.czar',
      home: '/home/dev',
      readable: ['/p'],
      hidden: ['/p-workers'],
      writable: ['/home/dev/.cache/czar/agents/p/a'],
      env: { PATH: '/bin' },
      argv: ['sim', '--x'],
    });
    const line = argv.join(' ');
    expect(line).toContain('--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --tmpfs /home/dev --ro-bind-try /p /p');
    expect(line).toContain(
      '--tmpfs /p-workers --bind /p/.czar/doors/a /p/.czar --bind /p/.czar/work/a /p/.czar/work/a',
    );
    expect(line).toContain('--ro-bind-try /p/.czar/work/a/.git/config /p/.czar/work/a/.git/config');
    expect(line).toContain('--ro-bind-try /p/.czar/work/a/.git/hooks /p/.czar/work/a/.git/hooks');
    for (const flag of ['--unshare-pid', '--unshare-net', '--die-with-parent', '--cap-drop ALL', '--unsetenv TMUX'])
      expect(line).toContain(flag);
    expect(argv.slice(-4)).toEqual(['/p/.czar/work/a', '--', 'sim', '--x']);
  });

  it('covers no home that does not exist: its mount point would be in the read-only system', () => {
    const plan = { folder: '/p/.czar/work/a', stateDir: '/p/.czar', readable: [], hidden: [], writable: [], env: {} };
    const line = boxArgv('/usr/bin/bwrap', { ...plan, home: undefined, homeCopy: '/p/.czar/agents/a/home', argv: [] });
    expect(line.join(' ')).toContain('--tmpfs /tmp --tmpfs /p/.czar --bind /p/.czar/work/a /p/.czar/work/a');
    expect(line).not.toContain('/p/.czar/agents/a/home');
  });

  it("binds a reviewer's checkout read-only, its run's folder the one it writes", () => {
    const checkout = '/p/.czar/checkouts/.review/a';
    const line = boxArgv('/usr/bin/bwrap', {
      folder: checkout,
      readOnlyFolder: true,
      linkedCheckout: true,
      door: '/p/.czar/review-doors/a',
      stateDir: '/p/.czar',
      home: '/home/dev',
      readable: ['/p'],
      hidden: [],
      writable: ['/p/.czar/reviews/a/work-1'],
      env: {},
      argv: ['claude', '-p'],
    }).join(' ');
    expect(line).toContain(`--bind /p/.czar/review-doors/a /p/.czar --ro-bind ${checkout} ${checkout}`);
    expect(line).not.toContain(`--bind ${checkout}`);
    expect(line).toContain('--bind-try /p/.czar/reviews/a/work-1 /p/.czar/reviews/a/work-1');
  });
});

describe("a boxed agent's mode, endpoints and records", () => {
  const sandbox = { mode: 'on' as const, allowHosts: [], writable: [], prompts: 'skip' as const };
  const worker = { name: 'a', worktree: '/p/.czar/work/a', sandbox };
  const claude = presetFor('claude').noApproval;

  it("gives a boxed agent a cache in its private home when the person's lies outside the home", () => {
    expect(boxedCacheEnv('/var/cache/ann', '/home/ann')).toEqual({ XDG_CACHE_HOME: '/home/ann/.cache' });
    expect(boxedCacheEnv('/home/annex/.cache', '/home/ann')).toEqual({ XDG_CACHE_HOME: '/home/ann/.cache' });
    expect(boxedCacheEnv('/home/ann/.cache', '/home/ann')).toEqual({});
    expect(boxedCacheEnv(undefined, '/home/ann')).toEqual({});
  });

  it('starts a boxed agent in its no-approval mode, flags right after the program, unless prompts: keep', () => {
    expect(agentMode(worker, { kind: 'boxed' }, claude).mode?.args).toEqual(['--dangerously-skip-permissions']);
    expect(agentMode({ ...worker, sandbox: { ...sandbox, prompts: 'keep' } }, { kind: 'boxed' }, claude)).toEqual({
      mode: undefined,
      why: 'sandbox.prompts: keep',
    });
    expect(agentMode(worker, { kind: 'unboxed', why: 'no engine' }, claude).mode).toBeUndefined();
    const codex = presetFor('codex').noApproval;
    if (codex === undefined) throw new Error('codex has a no-approval mode');
    expect(withMode(['codex', '--no-daemon', 'resume', 'id'], codex)).toEqual([
      'codex',
      '--dangerously-bypass-approvals-and-sandbox',
      '--no-daemon',
      'resume',
      'id',
    ]);
    if (claude === undefined) throw new Error('claude has a no-approval mode');
    expect(withMode(['claude', '--dangerously-skip-permissions'], claude)).toEqual([
      'claude',
      '--dangerously-skip-permissions',
    ]);
    expect(boxLines([{ ...worker, agent: 'claude' }], BWRAP, () => claude).at(-1)).toBe(
      'a: agent mode: bypass permissions mode (--dangerously-skip-permissions): the box is its boundary, so the prompts that stall an unattended sprint go',
    );
  });

  it("opens the endpoints an agent's settings files name, and no other URL in them", () => {
    const opencode = JSON.stringify({
      $schema: 'https://opencode.ai/config.json',
      provider: { fake: { options: { baseURL: 'http://127.0.0.1:4100/v1' } } },
    });
    const codex = 'model = "m"\n[model_providers.fake]\nbase_url = "https://llm.example.com:8443/v1"\n';
    const found = [...endpointsIn(opencode), ...endpointsIn(codex), ...endpointsIn('{"baseUrl": "http://10.0.0.2"}')];
    expect(found).toEqual(['http://127.0.0.1:4100/v1', 'https://llm.example.com:8443/v1', 'http://10.0.0.2']);
    expect(boxNetwork('opencode', found, [])).toEqual({
      allow: ['10.0.0.2:80', '127.0.0.1:4100', 'llm.example.com:8443'],
      loopbackPorts: [4100],
    });
    expect(endpointFiles('codex', { CODEX_HOME: '/h/c' }, '/h')).toEqual(['/h/c/config.toml']);
    expect(endpointFiles('pi', {}, '/h')).toEqual(['/h/.pi/agent/models.json']);
    expect(endpointFiles('opencode', {}, '/h')[0]).toBe('/h/.config/opencode/opencode.json');
    // Auggie's backend is its sign-in's tenant, in the session `auggie login` saves.
    expect(endpointFiles('auggie', {}, '/h')).toEqual(['/h/.augment/session.json']);
    const session = '{"accessToken":"t","tenantURL":"https://d5.api.augmentcode.com/","scopes":["email"]}';
    expect(boxNetwork('auggie', endpointsIn(session), []).allow).toEqual(['d5.api.augmentcode.com:443']);
  });

  it("reads a boxed agent's records in its private home, where the box put them", () => {
    const context = boxedTranscriptContext(
      {
        worktree: '/p/.czar/work/a',
        env: { HOME: '/h', CODEX_HOME: '/h/.codex', CLAUDE_CONFIG_DIR: '/etc/claude', ANTHROPIC_API_KEY: '/h/k' },
        transcripts: ['/h/.claude/projects/x/s.jsonl', '/root/.claude/projects/y/t.jsonl'],
      },
      '/cache/a/home',
    );
    expect(context.env).toEqual({
      HOME: '/cache/a/home',
      CODEX_HOME: '/cache/a/home/.codex',
      CLAUDE_CONFIG_DIR: '/etc/claude',
      ANTHROPIC_API_KEY: '/h/k',
    });
    expect(context.transcripts).toEqual(['/cache/a/home/.claude/projects/x/s.jsonl']);
  });
});
