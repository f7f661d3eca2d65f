import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeWorkers } from '../../src/launch/route-workers.js';
import { czar } from '../helpers/cli.js';
import { recordDir } from '../helpers/learning.js';
import { fleetFixture, PACKAGE_ROOT, workerIn } from '../helpers/fleet-fixture.js';

// Two sprints in one repository: the first gives the record (sima needs a fix-up on every api task, simb none), the
// second's `agent: auto` task goes to simb, with the records compared in its event, and is verified there.

const SIM = path.join(PACKAGE_ROOT, 'bin', 'czar-sim-agent.js');
const BROKEN_CHECK = [
  'for f in src/*.txt; do',
  '  [ -f "$f" ] || continue',
  '  if [ "$(cat "$f")" = broken ]; then',
  '    echo "$f is broken"',
  `    printf '%s\\n' "@sim write $f fixed" '@sim commit fix' '@sim done fixed'`,
  '    exit 3',
  '  fi',
  'done',
].join('\n');

const task = (file: string, text: string) =>
  `# Write ${file}\n@sim write src/${file}.txt ${text}\n@sim commit ${file}\n@sim done ${file} written`;

describe('routing by the record', () => {
  it('sends the second sprint’s agent: auto task to the agent with the better record for its kind', async () => {
    const dir = await recordDir();
    const agents = (root: string) => {
      const entry = {
        command: process.execPath,
        args: [SIM],
        preset: 'sim',
        env: { CZAR_SIM_CAPTURE_DIR: path.join(root, 'captures') },
      };
      return { sima: entry, simb: entry };
    };
    const checks = [{ name: 'values', run: BROKEN_CHECK, timeout: '30s' }];
    const policy = { idle_after: '1m', escalate_after: '1m' };
    const first = await fleetFixture({
      workers: [
        { name: 'a1', agent: 'sima', kind: 'api', task: task('a1', 'broken') },
        { name: 'a2', agent: 'sima', kind: 'api', task: task('a2', 'broken') },
        { name: 'b1', agent: 'simb', kind: 'api', task: task('b1', 'fine') },
        { name: 'b2', agent: 'simb', kind: 'api', task: task('b2', 'fine') },
      ],
      agents,
      checks,
      policy,
    });
    await first.launchWave();
    const czar1 = await first.supervise();
    for (const worker of ['a1', 'a2', 'b1', 'b2']) await first.waitForEvent('outcome', worker, { timeoutMs: 90_000 });
    await czar1.stop();
    const down = await czar(['down', '--purge', '--force', '-c', first.configFile], {
      cwd: first.root,
      env: { CZAR_LEARN_DIR: dir },
    });
    expect(down.exitCode, down.stderr).toBe(0);

    const second = await fleetFixture({
      reuse: { root: first.root, repo: first.repo },
      workers: [{ name: 'c1', agent: 'auto', kind: 'api', task: task('c1', 'fine') }],
      routing: { pool: ['sima', 'simb'] },
      agents,
      checks,
      policy,
    });
    // Draws of 0.5: no exploring at the default share of 0.1.
    const [route] = await routeWorkers(second.fleet, () => 0.5);
    expect(route).toMatchObject({ worker: 'c1', agent: 'simb' });
    expect(route?.reason).toBe(
      'simb for api (best record): sima 0/2 first try in this repository; simb 2/2 first try in this repository',
    );
    expect(second.fleet.config.workers[0]?.agent.name).toBe('simb');
    await second.launchWave();
    await second.supervise();
    const routed = await second.waitForEvent('routed', 'c1');
    expect(routed.data?.agent).toBe('simb');
    await second.waitForEvent('outcome', 'c1', { timeoutMs: 90_000 });
    const status = await second.waitForStatus((s) => workerIn(s, 'c1').state === 'verified', { what: 'c1 verified' });
    expect(workerIn(status, 'c1').agent).toBe('simb');
    expect(status.agents?.find((row) => row.agent === 'simb')).toMatchObject({ kind: 'api', tasks: 3, firstTry: 3 });
  });
});
