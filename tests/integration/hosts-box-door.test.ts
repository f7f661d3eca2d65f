import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HOST_WORKTREES, hostFleet } from '../helpers/host-fleet.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';
import { stopHosts } from '../../src/launch/hosts-down.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = await sshHostsUnavailable();

/** The port of the model endpoint listening on the host's loopback. */
const MODEL_PORT = 18433;

/**
 * A boxed agent on a host asking its model endpoint twice a second, each outcome a line of reach.log (ignored) in its
 * folder there with the time the request began, until a `stop` file appears or 45 s pass (a sim step runs 60 s at most).
 */
const REACH = [
  'end=$(( $(date +%s) + 45 ))',
  'while [ ! -e stop ] && [ "$(date +%s)" -lt "$end" ]; do',
  '  at=$(date +%s%3N)',
  '  if node -e "fetch(process.env.MODEL_URL).then((r) => r.text()).then((t) => process.exit(t === \'pong\' ? 0 : 1), () => process.exit(1))" >/dev/null 2>&1',
  '  then echo "$at reached" >> reach.log; else echo "$at missed" >> reach.log; fi',
  '  sleep 0.5',
  'done',
  '',
].join('\n');

describe.skipIf(unavailable !== undefined)(
  `the network door on an ssh host${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it("is started again by the czar when it dies there: a boxed worker's next model request gets through", async () => {
      const { fixture, machine, supervise } = await hostFleet({
        files: { 'reach.sh': REACH, '.gitignore': 'reach.log\nstop\n' },
        hosts: [{ name: 'far', maxWorkers: 1 }],
        workers: [
          {
            name: 'b1',
            task: `# Door\n${'@sim run sh reach.sh\n'.repeat(4)}@sim done door in`,
            host: 'far',
            sandbox: 'required',
            env: { MODEL_URL: `http://127.0.0.1:${MODEL_PORT}/v1` },
          },
        ],
        policy: { bonus: 'off' },
      });
      const far = machine('far');
      const server = `require('http').createServer((q, r) => r.end('pong')).listen(${MODEL_PORT}, '127.0.0.1')`;
      await far.exec(['sh', '-c', `node -e "${server}" </dev/null >/dev/null 2>&1 &`]);
      await fixture.launchWave();
      const czar = await supervise();
      const project = fixture.fleet.config.project;
      const folder = `${HOST_WORKTREES}/${project}/workers/b1`;
      const state = `${HOST_WORKTREES}/${project}/state`;
      /** reach.log's lines: when each request began, and whether it got through. */
      const requests = async (): Promise<{ at: number; reached: boolean }[]> =>
        (await far.exec(['cat', `${folder}/reach.log`])).stdout
          .split('\n')
          .filter((line) => line !== '')
          .map((line) => ({ at: Number(line.split(' ')[0]), reached: line.endsWith(' reached') }));
      // The door by its lock: the host shares this machine's processes (other tests' hosts' doors among them).
      const door = async (): Promise<number | undefined> => {
        const lock = (await far.exec(['cat', `${state}/net/door.lock`])).stdout;
        const pid = lock === '' ? undefined : (JSON.parse(lock) as { pid: number }).pid;
        return pid !== undefined && processAlive(pid) ? pid : undefined;
      };
      await waitFor(async () => (await requests()).some((request) => request.reached) || undefined, {
        timeoutMs: 60_000,
        what: "b1's first model request through the host's door",
      });

      // The host's door dies: the czar starts it again there, and the new door serves b1's sockets as before.
      const first = await waitFor(door, { timeoutMs: 10_000, what: "the host's door process, by its lock" });
      process.kill(first, 'SIGKILL');
      const killedAt = Date.now();
      await waitFor(
        async () => (await requests()).some((request) => request.at > killedAt && request.reached) || undefined,
        { timeoutMs: 60_000, what: "a model request of b1's begun after its host's door died, through the new door" },
      );
      const now = await waitFor(async () => ((await door()) ?? first) !== first || undefined, {
        timeoutMs: 10_000,
        what: "the host's new door process, by its lock",
      });
      expect(now).toBe(true);
      const restarts = (await fixture.events()).filter((event) => event.kind === 'box_door_restarted');
      expect(restarts.map((event) => event.message)).toEqual([
        'network door restarted on host "far": its process had stopped, so the boxed agents there reached no model; czar started it again',
      ]);

      await far.exec(['touch', `${folder}/stop`]);
      await czar.stop();
      expect((await stopHosts(fixture.fleet)).map((outcome) => outcome.stopped)).toEqual([true]);
      expect(await door()).toBeUndefined();
    });
  },
);

/** Alive, not a zombie: the host's init may leave a killed door unreaped a while. */
function processAlive(pid: number): boolean {
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
