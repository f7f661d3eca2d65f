import path from 'node:path';
import { CzarError } from '../domain/model/errors.js';
import { parseSshTarget, type HostSpec } from '../domain/model/host-layout.js';
import { DEFAULT_REMOTE } from './defaults.js';
import type { WrittenHost } from './schema.js';

/** Hosts with the ssh target split, `ssh_config` made absolute and the remote defaulted. */
export function resolveHosts(written: readonly WrittenHost[] | undefined, configDir: string): HostSpec[] {
  return (written ?? []).map((host) => {
    const target = parseSshTarget(host.ssh);
    if (target === undefined)
      throw new CzarError(
        'config_invalid',
        `hosts entry "${host.name}" has ssh "${host.ssh}", which passed the schema but cannot be read; this is a bug in czar.`,
      );
    return {
      name: host.name,
      ...target,
      worktrees: host.worktrees,
      maxWorkers: host.max_workers,
      sshConfig: host.ssh_config === undefined ? undefined : path.resolve(configDir, host.ssh_config),
      remote: host.remote ?? DEFAULT_REMOTE,
    };
  });
}
