import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/config/normalise.js';
import { checkConfigText } from '../../src/config/validate.js';
import {
  controlSocketPath,
  MAX_CONTROL_PATH,
  parseSshTarget,
  remoteCommandLine,
} from '../../src/domain/model/host-layout.js';

function checked(text: string) {
  return checkConfigText(text, 'czar.yaml');
}

function problems(text: string): readonly string[] {
  const result = checked(text);
  if (result.ok) throw new Error('expected the config to be invalid');
  return result.problems;
}

const hosts =
  'hosts:\n  - { name: gpu1, ssh: "dev@gpu1.example:2222", worktrees: /srv/czar, max_workers: 2, ssh_config: ssh/config }\n';

describe('hosts in the config', () => {
  it("resolves a host and places its workers' worktrees on it", () => {
    const result = checked(
      `project: p\n${hosts}workers:\n  - { name: a, task: x, host: gpu1 }\n  - { name: b, task: y }\n`,
    );
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const config = normalise(result.written, {
      file: '/home/dev/p/czar.yaml',
      repoTop: '/home/dev/p',
      currentBranch: 'main',
      taskFiles: new Map(),
      roles: new Map(),
      lineOf: () => 1,
    });
    expect(config.hosts).toEqual([
      {
        name: 'gpu1',
        destination: 'dev@gpu1.example',
        port: 2222,
        worktrees: '/srv/czar',
        maxWorkers: 2,
        sshConfig: '/home/dev/p/ssh/config',
        remote: 'origin',
      },
    ]);
    expect(config.workers.map((worker) => [worker.name, worker.host, worker.worktree])).toEqual([
      ['a', 'gpu1', '/srv/czar/p/workers/a'],
      ['b', undefined, '/home/dev/p-workers/b'],
    ]);
  });

  it('shows a real example for every key a host entry is missing', () => {
    expect(problems('project: p\nhosts:\n  - { name: gpu1 }\nworkers:\n  - { name: a, task: x }\n')).toEqual([
      'czar.yaml:3:5: hosts[0] is missing required key "ssh"; add it, e.g. ssh: dev@gpu1.example.',
      'czar.yaml:3:5: hosts[0] is missing required key "worktrees"; add it, e.g. worktrees: /srv/czar.',
      'czar.yaml:3:5: hosts[0] is missing required key "max_workers"; add it, e.g. max_workers: 4.',
    ]);
  });

  it('names an unknown host with a suggestion', () => {
    expect(problems(`project: p\n${hosts}workers:\n  - { name: a, task: x, host: gpu2 }\n`)).toEqual([
      'czar.yaml:5:31: workers[0].host "gpu2" is not a hosts: entry; did you mean "gpu1"?',
    ]);
  });

  it('refuses more workers on a host than its max_workers', () => {
    const workers =
      'workers:\n  - { name: a, task: x, host: gpu1 }\n  - { name: b, task: x, host: gpu1 }\n  - { name: c, task: x, host: gpu1 }\n';
    expect(problems(`project: p\n${hosts}${workers}`)).toEqual([
      'czar.yaml:3:84: hosts[0].max_workers is 2 but 3 workers name host "gpu1"; raise max_workers or move some workers to another host.',
    ]);
  });

  it('refuses an ssh target that ssh would read as an option, and a relative worktrees folder', () => {
    const bad = 'hosts:\n  - { name: h, ssh: "-oProxyCommand=x", worktrees: srv, max_workers: 1 }\nworkers: []\n';
    expect(problems(`project: p\n${bad}`)).toEqual([
      'czar.yaml:3:21: hosts[0].ssh "-oProxyCommand=x" is not an ssh destination; write user@host, user@host:port or a Host alias from your ssh config.',
      'czar.yaml:3:52: hosts[0].worktrees "srv" is not an absolute path; write the folder on the host in full, e.g. /srv/czar.',
    ]);
  });

  it('refuses two hosts with one name', () => {
    const two =
      'hosts:\n  - { name: h, ssh: h1, worktrees: /w, max_workers: 1 }\n  - { name: h, ssh: h2, worktrees: /w, max_workers: 1 }\nworkers:\n  - { name: a, task: x }\n';
    expect(problems(`project: p\n${two}`)).toEqual([
      'czar.yaml:4:13: hosts[1].name "h" is already used by hosts[0]; give each host its own name.',
    ]);
  });
});

describe('ssh targets', () => {
  it('reads user@host:port, host and aliases', () => {
    expect(parseSshTarget('dev@gpu1.example:22')).toEqual({ destination: 'dev@gpu1.example', port: 22 });
    expect(parseSshTarget('gpu1')).toEqual({ destination: 'gpu1', port: undefined });
    expect(parseSshTarget('gpu1:0')).toBeUndefined();
    expect(parseSshTarget('a b')).toBeUndefined();
    expect(parseSshTarget('-J')).toBeUndefined();
  });
});

describe('remote command lines', () => {
  it('quotes every word so the remote shell passes it through unchanged', () => {
    expect(remoteCommandLine(['tmux', '-L', 'czar-p', 'has-session', '-t', '=a'])).toBe(
      'tmux -L czar-p has-session -t =a',
    );
    expect(remoteCommandLine(['echo', "it's $HOME; rm -rf ~", '', '*'])).toBe(`echo 'it'\\''s $HOME; rm -rf ~' '' '*'`);
  });
});

describe('control socket paths', () => {
  it('keeps the socket in the state dir when short, and moves it to a short hashed name when not', () => {
    expect(controlSocketPath('/home/dev/p/.czar', 'gpu1', '/tmp/czar-ssh-0')).toBe('/home/dev/p/.czar/ssh/gpu1');
    const deep = `/home/dev/${'very-long-folder/'.repeat(6)}.czar`;
    const short = controlSocketPath(deep, 'gpu1', '/tmp/czar-ssh-0');
    expect(short).toMatch(/^\/tmp\/czar-ssh-0\/[0-9a-f]{16}$/);
    expect(short.length).toBeLessThanOrEqual(MAX_CONTROL_PATH);
    expect(controlSocketPath(deep, 'gpu2', '/tmp/czar-ssh-0')).not.toBe(short);
  });
});
