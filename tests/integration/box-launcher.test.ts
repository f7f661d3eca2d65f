import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { boxLauncher } from '../../src/domain/model/box-network.js';

/** The launcher in a box of its own network, as czar's boxes run it; what the agent printed. */
function launchInBox(ports: readonly number[], agent: readonly string[]): string {
  const box = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  const walls = ['--unshare-net', '--unshare-pid', '--die-with-parent', '--cap-drop', 'ALL'];
  return execFileSync('bwrap', [...box, ...walls, '--', ...boxLauncher('/tmp', ports, agent)], {
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe.skipIf(!existsSync('/usr/bin/bwrap') || !existsSync('/usr/bin/socat'))('a box’s launcher', () => {
  it('starts the agent once every port listens, with its argv as given', () => {
    // The agent prints the box's listening sockets as it starts, then its own arguments.
    const agent = [
      '/bin/sh',
      '-c',
      'grep " 0A " /proc/net/tcp | cut -c7-19; printf "argv %s|" "$@"',
      'agent',
      '$x',
      'a b',
    ];
    for (let run = 0; run < 3; run++) {
      const lines = launchInBox([8080, 3128, 4000], agent).split('\n');
      expect(lines.filter((line) => line.startsWith('0100007F')).sort()).toEqual([
        '0100007F:0C38',
        '0100007F:0FA0',
        '0100007F:1F90',
      ]);
      expect(lines.at(-1)).toBe('argv $x|argv a b|');
    }
  });

  it('starts an agent that has no port to wait for at once', () => {
    expect(launchInBox([], ['/bin/echo', 'here'])).toBe('here\n');
  });
});
