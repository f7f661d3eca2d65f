import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive } from '../../src/adapters/process-table.js';
import { stopFleetServer } from '../../src/fleet/server-stop.js';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { modelEndpoint } from '../helpers/ports.js';
import { waitFor } from '../helpers/wait.js';

/** The pids of the `czar box-door` processes serving the fleet under `root`. */
function doorProcesses(root: string): number[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('box-door') && line.includes(root) && !line.includes(' ps '))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

async function doorHolder(root: string): Promise<number | undefined> {
  const text = await readFile(path.join(root, '.czar', 'net', 'door.lock'), 'utf8').catch(() => undefined);
  const pid = text === undefined ? undefined : (JSON.parse(text) as { pid?: number }).pid;
  return pid !== undefined && processAlive(pid) ? pid : undefined;
}

describe.skipIf(!existsSync('/usr/bin/bwrap') || !existsSync('/usr/bin/socat'))('the fleet’s network door', () => {
  it('is one process for every boxed worker, started again when it dies, reached by each box through its own sockets only, and stopped with the fleet', async () => {
    const model = await modelEndpoint();
    // Worker a tries worker b's proxy socket at once, then asks its model once the test says so (after the door died).
    const script = [
      "const fs = require('fs');",
      "const peek = require('path').join(process.env.CZAR_STATE_DIR, 'net', 'b', '3128.sock');",
      "require('net').connect(peek).on('connect', () => fs.writeFileSync('.git/peek.log', 'connected')).on('error', (e) => fs.writeFileSync('.git/peek.log', e.code));",
      "const t = setInterval(() => { if (!fs.existsSync('.git/go')) return; clearInterval(t);",
      `fetch('http://127.0.0.1:${model}/v1/messages').then((r) => r.text()).then((x) => fs.writeFileSync('.git/net.log', x), (e) => fs.writeFileSync('.git/net.log', 'error ' + e.message)); }, 50);`,
    ].join(' ');
    const fx = await fleetFixture({
      workers: [
        {
          name: 'a',
          task: `# A\n@sim run node -e "${script}"\n@sim work 600 after its request`,
          sandbox: 'required',
          env: { ANTHROPIC_BASE_URL: `http://127.0.0.1:${model}` },
        },
        { name: 'b', task: '# B\n@sim work 600 b at work', sandbox: 'required' },
      ],
    });
    await fx.launchWave();
    const supervisor = await fx.supervise();

    // One door for the fleet: both workers' sockets listen, served by the one process that holds the door's lock.
    const first = await waitFor(() => doorHolder(fx.root), { timeoutMs: 30_000, what: 'the fleet’s door' });
    for (const worker of ['a', 'b'])
      expect(existsSync(path.join(fx.root, '.czar', 'net', worker, '3128.sock')), worker).toBe(true);
    expect(existsSync(path.join(fx.root, '.czar', 'net', 'a', `${model}.sock`))).toBe(true);
    expect(doorProcesses(fx.root)).toEqual([first]);

    // Worker b's socket is there outside, and out of a's sight inside its box.
    const peek = await waitFor(
      async () => (await readFile(path.join(fx.root, '.czar', 'work', 'a', '.git', 'peek.log'), 'utf8')) || undefined,
      { timeoutMs: 60_000, what: 'a trying b’s socket' },
    ).catch(() => '');
    expect(peek).toBe('ENOENT');

    // The door dies: the czar starts it again, and it serves the running workers' sockets as before.
    process.kill(first, 'SIGKILL');
    const second = await waitFor(
      async () => {
        const pid = await doorHolder(fx.root);
        return pid !== undefined && pid !== first ? pid : undefined;
      },
      { timeoutMs: 30_000, what: 'the door started again' },
    );
    await writeFile(path.join(fx.root, '.czar', 'work', 'a', '.git', 'go'), '');
    const answer = await waitFor(
      async () => (await readFile(path.join(fx.root, '.czar', 'work', 'a', '.git', 'net.log'), 'utf8')) || undefined,
      { timeoutMs: 30_000, what: 'a’s model request through the door started again' },
    ).catch(() => '');
    expect(answer).toBe('pong');

    // Stopping the fleet stops the door.
    await supervisor.stop();
    await stopFleetServer(fx.fleet);
    expect(processAlive(second)).toBe(false);
    expect(doorProcesses(fx.root)).toEqual([]);
  });
});
