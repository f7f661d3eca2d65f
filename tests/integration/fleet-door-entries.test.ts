import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { openNetDoor, stopFleetDoor } from '../../src/adapters/fleet-door.js';
import { acquireLock, liveLockHolder } from '../../src/adapters/lock-file.js';
import { netPath } from '../../src/domain/model/box.js';
import { afterThisTest } from '../helpers/cleanup.js';
import { czar } from '../helpers/cli.js';
import { tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// Twenty boxed panes of a launch ask the fleet's door for their sockets within a second: a worker whose first
// sign-in round waits (on the machine's sign-in lock, here held by the test) must not keep the others' sockets shut.
describe("the fleet's network door", () => {
  it("serves a worker's sockets while another worker's first sign-in round still waits", async () => {
    const root = await tempDir('czar-door-');
    const stateDir = path.join(root, '.czar');
    const home = path.join(root, 'home');
    await mkdir(home, { recursive: true });
    await mkdir(path.join(root, 'copy'), { recursive: true });
    await writeFile(path.join(home, 'auth.json'), '{"token":"home"}\n');
    const lock = path.join(root, 'credentials.lock');
    const release = await acquireLock(lock, { timeoutMs: 0, what: 'the test' });
    afterThisTest(() => stopFleetDoor(stateDir));
    const ready = (worker: string): Promise<string> =>
      readFile(path.join(netPath(stateDir), worker, 'ready'), 'utf8').catch(() => '');

    // Its round must pull the home's sign-in file into its copy, under the lock the test holds.
    const slow = openNetDoor(stateDir, {
      worker: 'slow',
      serial: 'slow-1',
      allow: [],
      loopbackPorts: [],
      proxyPort: 1,
      credentials: { home, copy: path.join(root, 'copy'), files: ['auth.json'], lock },
    });
    // The door starts on the slow worker's entry, so its first scan has that one alone.
    await waitFor(() => liveLockHolder(path.join(netPath(stateDir), 'door.lock')), { what: 'the door started' });
    await openNetDoor(stateDir, { worker: 'quick', serial: 'quick-1', allow: [], loopbackPorts: [], proxyPort: 1 });
    expect(await ready('quick')).toBe('quick-1');
    expect(await ready('slow')).toBe('');

    await release();
    await slow;
    expect(await ready('slow')).toBe('slow-1');
    expect(await readFile(path.join(root, 'copy', 'auth.json'), 'utf8')).toBe('{"token":"home"}\n');
  });

  it('does not make a state dir that is gone again: it says so and ends', async () => {
    const root = await tempDir('czar-door-gone-');
    const stateDir = path.join(root, 'removed', '.czar');
    const result = await czar(['box-door', stateDir], { cwd: root });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`The state dir ${stateDir} does not exist`);
    expect(existsSync(path.join(root, 'removed'))).toBe(false);
  });

  it('starts without the extra CA certificates Node would read at its start: it opens no TLS connection', async () => {
    const root = await tempDir('czar-door-env-');
    const stateDir = path.join(root, '.czar');
    await mkdir(stateDir);
    afterThisTest(() => stopFleetDoor(stateDir));
    // A process of its own, whose environment names a bundle (czar reads its environment once).
    const starter = `import { keepFleetDoor } from ${JSON.stringify(path.resolve('src/adapters/fleet-door.ts'))};
      await keepFleetDoor(process.argv[1]);`;
    const certificates = '/etc/ssl/certs/ca-certificates.crt';
    await execa(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', starter, stateDir], {
      env: { NODE_EXTRA_CA_CERTS: certificates },
    });
    const holder = await waitFor(() => liveLockHolder(path.join(netPath(stateDir), 'door.lock')), {
      what: 'the door started',
    });
    const environ = (await readFile(`/proc/${holder.pid}/environ`, 'utf8')).split('\0');
    expect(environ.some((entry) => entry.startsWith('PATH='))).toBe(true);
    expect(environ.filter((entry) => entry.startsWith('NODE_EXTRA_CA_CERTS='))).toEqual([]);
  });
});
