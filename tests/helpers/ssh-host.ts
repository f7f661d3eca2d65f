import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { PACKAGE_ROOT } from '../../src/adapters/package-files.js';
import { onTestFinished } from 'vitest';

/**
 * Real SSH "hosts" on this machine, for tests: each is a network namespace joined to this one by a veth pair, with
 * its own sshd running under a private mount namespace whose /tmp, /run and /root are fresh tmpfs mounts, so the
 * host's tmux sockets, clone and home are invisible from outside (and ours from inside). Needs root, iproute2,
 * util-linux (unshare, nsenter) and Debian's openssh-server; `sshHostsUnavailable()` says why not when they are missing.
 *
 * Everything is torn down when the test ends, pass or fail: sshd and the namespace holder by pid, every process still
 * in the namespace by pid, then the namespace (which takes its end of the veth pair, and so the pair, with it).
 */

const SSHD = '/usr/sbin/sshd';
/** Where the host sees this test's key folder (bound in before /tmp is hidden). */
const HOST_KEYS_DIR = '/run/czar-host';

export interface SshHost {
  /** The ssh alias in `sshConfig`, e.g. `czh-1a2b3c`. */
  readonly alias: string;
  /** The host's address on its veth (port 22). */
  readonly address: string;
  /** `ssh -F` file naming this host (and every other host of the same fixture): key, known_hosts, BatchMode. */
  readonly sshConfig: string;
  /** The outside end of the veth pair: `ip link set <it> down` cuts the host off while its processes keep running. */
  readonly outsideLink: string;
  /** Runs argv inside the host's namespaces (as its root), for setting up and inspecting what czar left there. */
  exec(argv: readonly string[], options?: { input?: string }): Promise<{ stdout: string; exitCode: number }>;
  /** Cuts or restores the host's link. */
  setLink(up: boolean): Promise<void>;
}

/** Why real ssh hosts cannot be made here, or undefined when they can. */
export async function sshHostsUnavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'ssh host tests need root (network namespaces)';
  if (!existsSync(SSHD)) return `ssh host tests need ${SSHD} (apt-get install openssh-server)`;
  const probe = `czprobe-${randomBytes(3).toString('hex')}`;
  const made = await execa('ip', ['netns', 'add', probe], { reject: false });
  if (made.exitCode !== 0)
    return `ssh host tests cannot create a network namespace here (${made.stderr.trim().split('\n')[0] ?? ''})`;
  await execa('ip', ['netns', 'del', probe], { reject: false });
  return undefined;
}

/** Registers a teardown: vitest's `onTestFinished` in tests, a list the bench runs at its end. */
export type Defer = (teardown: () => Promise<void>) => void;

/** One client key, known_hosts and ssh config shared by the hosts a test makes, so one `-F` file reaches all. */
export class SshHosts {
  private constructor(
    readonly dir: string,
    readonly sshConfig: string,
    private readonly clientKey: string,
    private readonly defer: Defer,
  ) {}

  static async create(defer: Defer = (teardown) => onTestFinished(teardown)): Promise<SshHosts> {
    const dir = await mkdtemp(path.join(tmpdir(), 'czar-ssh-'));
    defer(() => rm(dir, { recursive: true, force: true }).catch(() => undefined));
    const clientKey = path.join(dir, 'id_ed25519');
    await keygen(clientKey);
    const sshConfig = path.join(dir, 'ssh_config');
    await writeFile(sshConfig, '');
    await writeFile(path.join(dir, 'known_hosts'), '');
    return new SshHosts(dir, sshConfig, clientKey, defer);
  }

  /**
   * Starts one host and waits until its sshd answers. `share` lists local folders the host sees at the same path
   * (a shared git remote, as a git server would be), the only ones of this machine's /tmp it sees; `pathFirst` is a
   * folder put before this checkout's bin/ on the host's PATH (another czar there).
   */
  async add(options: { share?: readonly string[]; pathFirst?: string } = {}): Promise<SshHost> {
    const id = randomBytes(3).toString('hex');
    const alias = `czh-${id}`;
    const netns = alias;
    const outsideLink = `czo${id}`;
    const insideLink = `czi${id}`;
    // A /30 in 10.213.0.0/16 chosen at random: tests in parallel each get their own with high probability.
    const block = randomInt(0, 16_384) * 4;
    const subnet = `10.213.${Math.floor(block / 256)}.${block % 256}`;
    const [a, b, c, d] = subnet.split('.').map(Number) as [number, number, number, number];
    const outsideAddress = `${a}.${b}.${c}.${d + 1}`;
    const address = `${a}.${b}.${c}.${d + 2}`;

    const hostDir = path.join(this.dir, alias);
    await execa('mkdir', ['-m', '0700', hostDir]);
    const hostKey = path.join(hostDir, 'host_ed25519_key');
    await keygen(hostKey);
    await writeFile(path.join(hostDir, 'authorized_keys'), await readFile(`${this.clientKey}.pub`, 'utf8'));
    await writeFile(path.join(hostDir, 'sshd_config'), sshdConfig(options.pathFirst));

    // Registered before anything starts, so a failure half-way still tears down what did start.
    const started: { holder?: ResultPromise; sshd?: ResultPromise } = {};
    this.defer(async () => {
      // Each step on its own: a failed one must not keep the rest from cleaning up. sshd's session children and
      // what they started (tmux servers, agents) outlive sshd and hold its stderr pipe: every process in the
      // namespace is ended first, which also lets the namespace go.
      // Again until none is left: a process the host's czar forked while the last round was being killed holds the
      // pipe too (CI's teardown once waited on it until the hook timed out).
      const kill = (pid: number): void => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      for (const pid of [started.sshd?.pid, started.holder?.pid]) if (pid !== undefined) kill(pid);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const left = (await execa('ip', ['netns', 'pids', netns], { reject: false })).stdout
          .split('\n')
          .map(Number)
          .filter((pid) => pid > 1);
        if (left.length === 0 || Date.now() > deadline) break;
        left.forEach(kill);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await Promise.all([started.sshd, started.holder].map((child) => child?.catch(() => undefined)));
      await execa('ip', ['netns', 'del', netns], { reject: false });
      await execa('ip', ['link', 'del', outsideLink], { reject: false });
    });

    await run(['ip', 'netns', 'add', netns]);
    await run(['ip', 'link', 'add', outsideLink, 'type', 'veth', 'peer', 'name', insideLink, 'netns', netns]);
    await run(['ip', 'addr', 'add', `${outsideAddress}/30`, 'dev', outsideLink]);
    await run(['ip', 'link', 'set', outsideLink, 'up']);
    await run(['ip', '-n', netns, 'addr', 'add', `${address}/30`, 'dev', insideLink]);
    await run(['ip', '-n', netns, 'link', 'set', insideLink, 'up']);
    await run(['ip', '-n', netns, 'link', 'set', 'lo', 'up']);

    // The holder owns a private mount namespace inside the network namespace; mounts and sshd join it with nsenter.
    const holder = execa(
      'ip',
      ['netns', 'exec', netns, 'unshare', '--mount', '--propagation', 'private', 'sleep', 'infinity'],
      { reject: false },
    );
    started.holder = holder;
    const holderPid = await waitForExec(holder.pid, 'sleep');
    const inside = (argv: readonly string[]): string[] => [
      'nsenter',
      `--target=${holderPid}`,
      '--mount',
      '--net',
      '--',
      ...argv,
    ];
    await run(inside(['mount', '-t', 'tmpfs', '-o', 'mode=0755', 'czar-run', '/run']));
    await run(inside(['mkdir', '-p', '-m', '0755', '/run/sshd', HOST_KEYS_DIR]));
    await run(inside(['mount', '--bind', hostDir, HOST_KEYS_DIR]));
    // This checkout is czar on the host too: CI may clone it under /tmp or /root, which the host gets fresh.
    const shared = [...new Set([PACKAGE_ROOT.replace(/\/+$/, ''), ...(options.share ?? [])])].map((dir, index) => ({
      dir,
      staged: `/run/czar-share-${index}`,
    }));
    for (const { dir, staged } of shared) {
      await run(inside(['mkdir', staged]));
      await run(inside(['mount', '--bind', dir, staged]));
    }
    await run(inside(['mount', '-t', 'tmpfs', '-o', 'mode=1777', 'czar-tmp', '/tmp']));
    await run(inside(['mount', '-t', 'tmpfs', '-o', 'mode=0700', 'czar-home', '/root']));
    for (const { dir, staged } of shared) {
      await run(inside(['mkdir', '-p', dir]));
      await run(inside(['mount', '--bind', staged, dir]));
    }
    const [enter, ...sshdArgs] = inside([SSHD, '-D', '-e', '-f', `${HOST_KEYS_DIR}/sshd_config`]);
    const sshd = execa(enter ?? 'nsenter', sshdArgs, { reject: false });
    started.sshd = sshd;

    const hostPublicKey = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    await writeFile(path.join(this.dir, 'known_hosts'), `${address} ${hostPublicKey}\n`, { flag: 'a' });
    await writeFile(this.sshConfig, clientConfig(alias, address, this.clientKey, path.join(this.dir, 'known_hosts')), {
      flag: 'a',
    });

    const host: SshHost = {
      alias,
      address,
      sshConfig: this.sshConfig,
      outsideLink,
      exec: async (argv, options = {}) => {
        const [enterHost, ...enterArgs] = inside(argv);
        const result = await execa(enterHost ?? 'nsenter', enterArgs, { reject: false, input: options.input });
        return { stdout: result.stdout, exitCode: result.exitCode ?? 1 };
      },
      setLink: async (up) => run(['ip', 'link', 'set', outsideLink, up ? 'up' : 'down']),
    };
    await waitForSshd(this.sshConfig, alias, sshd);
    return host;
  }
}

async function run(argv: readonly string[]): Promise<void> {
  const [file, ...args] = argv;
  const result = await execa(file ?? '', args, { reject: false });
  if (result.exitCode !== 0)
    throw new Error(`${argv.join(' ')} exited with ${result.exitCode}: ${result.stderr.trim()}`);
}

async function keygen(file: string): Promise<void> {
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'czar-test', '-f', file]);
}

/**
 * `ip netns exec` execs unshare, which (without --fork) execs the program: the same pid ends up as `sleep`, inside
 * both namespaces, once the chain of execs is done.
 */
async function waitForExec(pid: number | undefined, program: string): Promise<number> {
  if (pid === undefined) throw new Error(`the namespace holder did not start`);
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
    if (comm.trim() === program) return pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the namespace holder (pid ${pid}) did not become ${program} within 5 s`);
}

/** Polls `ssh <alias> true` until sshd answers; fails with sshd's own output when it exited. */
async function waitForSshd(sshConfig: string, alias: string, sshd: ResultPromise): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = '';
  while (Date.now() < deadline) {
    if (sshd.exitCode !== null) {
      const result = await sshd;
      throw new Error(`sshd for ${alias} exited with ${String(result.exitCode)}: ${String(result.stderr).trim()}`);
    }
    const probe = await execa('ssh', ['-F', sshConfig, alias, 'true'], { reject: false, timeout: 5_000 });
    if (probe.exitCode === 0) return;
    last = probe.stderr.trim();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd for ${alias} did not answer within 10 s: ${last}`);
}

/** Key-only root login (the namespace's root is the test's own user); czar's checkout and node are on PATH. */
function sshdConfig(pathFirst: string | undefined): string {
  const czarBin = path.resolve(import.meta.dirname, '../../bin');
  const pathValue = [
    ...(pathFirst === undefined ? [] : [pathFirst]),
    czarBin,
    path.dirname(process.execPath),
    '/usr/local/bin',
    '/usr/bin',
    '/bin',
    '/usr/sbin',
    '/sbin',
  ].join(':');
  return [
    'Port 22',
    'ListenAddress 0.0.0.0',
    `HostKey ${HOST_KEYS_DIR}/host_ed25519_key`,
    `AuthorizedKeysFile ${HOST_KEYS_DIR}/authorized_keys`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PidFile none',
    'LogLevel ERROR',
    // OpenSSH sets a login PATH before applying SetEnv, so this one wins: the host finds this checkout's czar.
    `SetEnv PATH=${pathValue}`,
    'MaxSessions 64',
    'MaxStartups 64:30:128',
    '',
  ].join('\n');
}

function clientConfig(alias: string, address: string, key: string, knownHosts: string): string {
  return [
    `Host ${alias}`,
    `  HostName ${address}`,
    '  User root',
    '  Port 22',
    `  IdentityFile ${key}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHosts}`,
    '  GlobalKnownHostsFile /dev/null',
    '  BatchMode yes',
    '  ConnectTimeout 5',
    '',
  ].join('\n');
}
