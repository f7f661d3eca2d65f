import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SshHosts, sshHostsUnavailable, type SshHost } from '../tests/helpers/ssh-host.js';
import { hostWorktreePath } from '../src/domain/model/host-layout.js';
import { CZAR, SIM, benchRepo, median, ms, percentile, row } from './harness.js';
import { readStatus, statusShows, until, type Fleet } from './supervise.js';

const WORKERS = 20;
const SAMPLES = 30;
const RUNS = 3;
const HOST_WORKTREES = '/tmp/czar-hosts';
const TASK = '# Bench\n@sim work 600 the long part';

/** A fleet of `WORKERS` sims, local or spread evenly over `hosts`, launched with `czar up --detach`; returns how long that took. */
function upFleet(
  name: string,
  hosts: readonly SshHost[],
  shared: string,
  sshConfig: string,
): { fleet: Fleet; upMs: number; stateDirOnHost: string } {
  const { root, repo, cleanup } = benchRepo(name);
  const project = `bh${name}${process.pid}`;
  if (hosts.length > 0) {
    const bare = path.join(mkdtempSync(path.join(shared, 'origin-')), 'origin.git');
    execFileSync('git', ['clone', '--quiet', '--bare', repo, bare]);
    execFileSync('git', ['-C', repo, 'remote', 'add', 'origin', bare]);
  }
  const perHost = Math.ceil(WORKERS / Math.max(1, hosts.length));
  const hostsYaml =
    hosts.length === 0
      ? ''
      : `hosts:\n${hosts.map((host, i) => `  - { name: h${i + 1}, ssh: ${host.alias}, worktrees: ${HOST_WORKTREES}, max_workers: ${perHost}, ssh_config: ${JSON.stringify(sshConfig)} }\n`).join('')}`;
  const workers = Array.from(
    { length: WORKERS },
    (_, i) =>
      `  - name: w${i + 1}\n    task: ${JSON.stringify(TASK)}\n${hosts.length === 0 ? '' : `    host: h${Math.floor(i / perHost) + 1}\n`}`,
  ).join('');
  // Sims that never report: only the bench's own reports move a worker's note.
  const sim = `agents:\n  sim: { args: [${JSON.stringify(SIM)}, --no-report] }\n`;
  writeFileSync(
    path.join(root, 'czar.yaml'),
    `project: ${project}\nrepo: repo\nagent: sim\npolicy: { launch_concurrency: 10, max_active: ${WORKERS}, idle_after: 10m, stuck_after: 20m, escalate_after: 10m }\n${sim}${hostsYaml}workers:\n${workers}`,
  );
  const start = performance.now();
  execFileSync(process.execPath, [CZAR, 'up', '--detach'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const upMs = performance.now() - start;
  const stop = (): void => {
    // czar down stops the hosts' tmux servers and closes the ssh masters too.
    execFileSync(process.execPath, [CZAR, 'down'], { cwd: root, stdio: 'ignore' });
    cleanup();
  };
  return {
    fleet: { root, project, stateDir: path.join(root, '.czar'), stop },
    upMs,
    stateDirOnHost: `${HOST_WORKTREES}/${project}/state`,
  };
}

/** How many worker branches the fleet's repo here has. */
function localBranches(fleet: Fleet): number {
  return execFileSync(
    'git',
    ['-C', path.join(fleet.root, 'repo'), 'for-each-ref', '--format=%(refname)', 'refs/heads/czar/'],
    { encoding: 'utf8' },
  )
    .split('\n')
    .filter((line) => line !== '').length;
}

/** `czar report` run on the worker's host, then the time from the report's own timestamp to the local status.json showing it. */
async function remoteReportLatency(fleet: Fleet, hosts: readonly SshHost[], stateDir: string): Promise<number[]> {
  const perHost = Math.ceil(WORKERS / hosts.length);
  const latencies: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const index = i % WORKERS;
    const worker = `w${index + 1}`;
    const host = hosts[Math.floor(index / perHost)] as SshHost;
    const note = `remote-${i}`;
    const shown = statusShows(fleet, worker, note);
    // As the worker's agent would: in its worktree on the host, with the proof its session there was given.
    const proof = await host.exec([
      'tmux',
      '-L',
      `czar-${fleet.project}`,
      'show-environment',
      '-t',
      `=${worker}`,
      'CZAR_WORKER_PROOF',
    ]);
    const worktree = hostWorktreePath({ worktrees: HOST_WORKTREES }, fleet.project, worker);
    const made = await host.exec([
      'env',
      '-C',
      worktree,
      proof.stdout.trim(),
      `CZAR_WORKER=${worker}`,
      `CZAR_STATE_DIR=${stateDir}`,
      process.execPath,
      CZAR,
      'report',
      '--task',
      worker,
      '--state',
      'working',
      '--note',
      note,
    ]);
    if (made.exitCode !== 0) throw new Error(`bench: czar report on ${host.alias} exited with ${made.exitCode}`);
    const written = JSON.parse((await host.exec(['cat', `${stateDir}/reports/${worker}.json`])).stdout) as {
      at: string;
    };
    latencies.push(performance.timeOrigin + (await shown) - Date.parse(written.at));
  }
  return latencies;
}

/** `npm run bench -- hosts`: launching over 2 ssh hosts against launching here, and a host's report reaching status.json. */
export async function benchHosts(print: (line: string) => void): Promise<void> {
  const unavailable = await sshHostsUnavailable();
  if (unavailable !== undefined) {
    print(`skip hosts: ${unavailable}`);
    return;
  }
  const teardowns: (() => Promise<void>)[] = [];
  const fleets: Fleet[] = [];
  try {
    const shared = mkdtempSync(path.join(tmpdir(), 'czar-bench-shared-'));
    teardowns.push(async () => rmSync(shared, { recursive: true, force: true }));
    const sshHosts = await SshHosts.create((teardown) => teardowns.push(teardown));
    const hosts = await Promise.all([sshHosts.add({ share: [shared] }), sshHosts.add({ share: [shared] })]);

    // Alternated, so that machine noise hits each alike; every fleet but the last on hosts is stopped at once.
    const localMs: number[] = [];
    const remoteMs: number[] = [];
    let remote: ReturnType<typeof upFleet> | undefined;
    for (let run = 0; run < RUNS; run++) {
      remote?.fleet.stop();
      const local = upFleet(`local${run}`, [], shared, sshHosts.sshConfig);
      local.fleet.stop();
      localMs.push(local.upMs);
      remote = upFleet(`remote${run}`, hosts, shared, sshHosts.sshConfig);
      remoteMs.push(remote.upMs);
    }
    if (remote === undefined) throw new Error('bench: no fleet on hosts was launched');
    fleets.push(remote.fleet);
    const runs = (values: readonly number[]): string => values.map(ms).join(', ');
    print(`hosts: median of ${RUNS} launches each (here: ${runs(localMs)}; over hosts: ${runs(remoteMs)})`);
    print(row(`launch ${WORKERS} workers here (czar up)`, ms(median(localMs)), 'baseline', true));
    const ratio = median(remoteMs) / median(localMs);
    print(row(`launch ${WORKERS} workers over 2 ssh hosts (czar up)`, ms(median(remoteMs)), '-', true));
    print(row('  ratio hosts / here', `${ratio.toFixed(2)}x`, '<= 1.2x', ratio <= 1.2));

    // Steady state: both hosts streaming, every agent busy, and each worker's branch here (a stream's start sends every
    // worker's tip, and the first reports after launch would meet the czar creating 20 branches and predicting conflicts).
    await until(
      () => {
        const status = readStatus(remote.fleet);
        return status?.hosts?.every((host) => host.state === 'reachable') === true &&
          status.workers.every((worker) => worker.state === 'working') &&
          localBranches(remote.fleet) >= WORKERS
          ? true
          : undefined;
      },
      60_000,
      'the fleet on hosts to settle',
    );
    const latencies = await remoteReportLatency(remote.fleet, hosts, remote.stateDirOnHost);
    const p95 = percentile(latencies, 95);
    print(row(`host report -> local status.json p50 (${SAMPLES})`, ms(median(latencies)), '-', true));
    print(row(`host report -> local status.json p95 (${SAMPLES})`, ms(p95), '< 100 ms', p95 < 100));
  } finally {
    for (const fleet of fleets) fleet.stop();
    for (const teardown of teardowns.reverse()) await teardown().catch(() => undefined);
  }
}
