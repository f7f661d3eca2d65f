import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { Fleet } from '../../src/fleet/handle.js';
import { gatherFacts } from '../../src/launch/launch-facts.js';
import { prepareStateDir } from '../../src/launch/launcher.js';
import { planLaunch } from '../../src/launch/plan.js';
import { initialPrompt } from '../../src/launch/prompts.js';
import { launchWave, type WaveResult } from '../../src/launch/wave.js';
import type { Supervisor } from '../../src/supervisor/loop/supervisor.js';
import { fleetFixture, type FixtureOptions, type FleetFixture } from './fleet-fixture.js';
import { tempDir } from './git-repo.js';
import { SshHosts, type SshHost } from './ssh-host.js';

/** Where every test host keeps czar's clone and worktrees (its own private /tmp). */
export const HOST_WORKTREES = '/tmp/czar-hosts';

/** One `hosts:` entry of a test fleet and the machine behind it. */
export interface TestHost {
  readonly name: string;
  readonly maxWorkers?: number;
  /** Folders the host sees besides the shared remote (another czar on its PATH, say). */
  readonly share?: readonly string[];
  /** A folder put first on the host's PATH. */
  readonly pathFirst?: string;
  /** Point the entry at another entry's machine on this port instead of a machine of its own (a dead port). */
  readonly sameMachineAs?: string;
  readonly port?: number;
}

export interface HostFleet {
  readonly fixture: FleetFixture;
  /** The `ssh -F` file that reaches every host. */
  readonly sshConfig: string;
  /** The machine of a `hosts:` entry. */
  machine(name: string): SshHost;
  /** An in-process czar, stopped by the test itself too, so no late event of it outlives the test's folders. */
  supervise(): Promise<Supervisor>;
}

/**
 * A fleet of simulated agents over real ssh hosts: a shared remote every host sees, one network-namespace host per
 * entry (started in parallel), and the fleet fixture with their `hosts:` entries.
 */
export async function hostFleet(
  options: Omit<FixtureOptions, 'origin' | 'hosts'> & { readonly hosts: readonly TestHost[] },
): Promise<HostFleet> {
  const origin = await tempDir('czar-origin-');
  const hosts = await SshHosts.create();
  const own = options.hosts.filter((host) => host.sameMachineAs === undefined);
  const started = await Promise.all(
    own.map((host) => hosts.add({ share: [origin, ...(host.share ?? [])], pathFirst: host.pathFirst })),
  );
  const machines = new Map(own.map((host, index) => [host.name, started[index] as SshHost]));
  const machine = (name: string): SshHost => {
    const found = machines.get(name);
    if (found === undefined) throw new Error(`no test host ${name}`);
    return found;
  };
  const fixture = await fleetFixture({
    ...options,
    origin,
    hosts: options.hosts.map((host) => {
      const alias = machine(host.sameMachineAs ?? host.name).alias;
      return {
        name: host.name,
        ssh: host.port === undefined ? alias : `${alias}:${host.port}`,
        worktrees: HOST_WORKTREES,
        max_workers: host.maxWorkers ?? 1,
        ssh_config: hosts.sshConfig,
      };
    }),
  });
  // As czar up and the czar do: each tmux server's commands down one control client (a host's over its ssh link).
  fixture.fleet.tmux.useControl();
  fixture.fleet.hosts.useControl();
  onTestFinished(() => fixture.fleet.hosts.close());
  return {
    fixture,
    sshConfig: hosts.sshConfig,
    machine,
    async supervise() {
      const czar = await fixture.supervise();
      onTestFinished(() => czar.stop());
      return czar;
    },
  };
}

/** The messages the sim of `worker` on `host` received, in order (it saves them in the fixture's capture folder there). */
export async function hostCaptures(host: SshHost, dir: string, worker: string): Promise<string[]> {
  const listed = await host.exec(['ls', dir]);
  const files = listed.stdout
    .split('\n')
    .filter((file) => new RegExp(`^${worker}-\\d+\\.txt$`).test(file))
    .sort((a, b) => captureNumber(a) - captureNumber(b));
  return Promise.all(files.map(async (file) => (await host.exec(['cat', `${dir}/${file}`])).stdout));
}

function captureNumber(file: string): number {
  return Number(/-(\d+)\.txt$/.exec(file)?.[1] ?? 0);
}

/** Plans the fleet's launch and starts its first wave as `czar up` does, returning what started and what failed. */
export async function launchNow(fleet: Fleet): Promise<WaveResult> {
  const plan = planLaunch(fleet.config, await gatherFacts(fleet));
  await prepareStateDir(fleet);
  return launchWave(
    fleet,
    plan.workers.filter((step) => step.wave === 'now'),
    (worker) => initialPrompt(fleet.config, worker),
  );
}

/**
 * A folder holding a `bwrap` that cannot make a box (as in a container without user namespaces), for a host's
 * `share` and `pathFirst`: that host then has no box engine.
 */
export async function brokenBwrapFolder(): Promise<string> {
  const folder = await tempDir('czar-nobwrap-');
  await writeFile(
    path.join(folder, 'bwrap'),
    '#!/bin/sh\nif [ "$1" = --version ]; then echo "bubblewrap 0.0.0"; exit 0; fi\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n',
  );
  await chmod(path.join(folder, 'bwrap'), 0o755);
  return folder;
}
