import { describe, expect, it } from 'vitest';
import { czarVersion } from '../../src/adapters/package-files.js';
import { czarCheck } from '../../src/cli/commands/doctor-hosts.js';
import type { HostSpec } from '../../src/domain/model/host-layout.js';

const host: HostSpec = {
  name: 'gpu1',
  destination: 'dev@gpu1',
  port: undefined,
  worktrees: '/srv/czar',
  maxWorkers: 2,
  sshConfig: undefined,
  remote: 'origin',
};

describe('the czar version on a host', () => {
  it('must be this version, and a difference names the command that fixes it', () => {
    expect(czarCheck('host "gpu1"', host, czarVersion()).ok).toBe(true);
    expect(czarCheck('host "gpu1"', host, '0.0.1-old')).toEqual({
      ok: false,
      line: `host "gpu1": czar 0.0.1-old is installed there but this is czar ${czarVersion()}; run "ssh dev@gpu1 npm install -g czar@${czarVersion()}"`,
    });
    expect(czarCheck('host "gpu1"', host, undefined).line).toContain('czar is not on PATH there');
  });
});
