import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { checkVerdictsFile } from '../../src/domain/model/paths.js';
import { boxedReviewer } from '../helpers/boxed-reviewer.js';
import { withoutBoxEngine } from '../helpers/cleanup.js';
import { workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { brokenBwrapFolder, HOST_WORKTREES, hostFleet, launchNow } from '../helpers/host-fleet.js';
import { answeringPort, watchedPort } from '../helpers/ports.js';
import { sshHostsUnavailable } from '../helpers/ssh-host.js';
import { stopHosts } from '../../src/launch/hosts-down.js';
import { waitFor } from '../helpers/wait.js';

const unavailable = await sshHostsUnavailable();

/** The port of the model endpoint listening on the host's loopback, which the boxed worker's agent is given. */
const MODEL_PORT = 18431;

/**
 * What a hijacked agent on a host tries from inside its box, each outcome written to escape.log (ignored) in its
 * folder there: its model endpoint on the host's loopback (reached through its door), its sibling's folder on the
 * host, the host's czar state (its sibling's pane log), a port listening on the host (its sshd), directly and asked of
 * its door's proxy, and a report line in its sibling's name.
 */
const ESCAPE = [
  'log=escape.log',
  ': > "$log"',
  'try() { what=$1; shift; if "$@" >/dev/null 2>&1; then echo "escaped $what" >> "$log"; else echo "blocked $what" >> "$log"; fi; }',
  'reach() { what=$1; shift; if "$@" >/dev/null 2>&1; then echo "reached $what" >> "$log"; else echo "missed $what" >> "$log"; fi; }',
  'reach model-endpoint node -e "fetch(process.env.MODEL_URL).then((r) => r.text()).then((t) => process.exit(t === \'pong\' ? 0 : 1), () => process.exit(1))"',
  'try sibling-folder sh -c "echo pwned > \'../$SIB/pwned.txt\'"',
  'try host-state sh -c "echo pwned >> \'$CZAR_STATE_DIR/logs/$SIB.log\'"',
  "try host-port node -e \"require('net').connect(22, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))\"",
  "try host-port-through-door node -e \"const s = require('net').connect(Number(new URL(process.env.HTTPS_PROXY).port), '127.0.0.1', () => s.write('CONNECT 127.0.0.1:22 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')); s.on('data', (d) => process.exit(String(d).startsWith('HTTP/1.1 200') ? 0 : 1)); s.on('error', () => process.exit(1))\"",
  'printf \'{"worker":"%s","state":"done","at":"%s","source":"cli","seq":99,"note":"forged-line"}\\n\' "$SIB" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$CZAR_STATE_DIR/reports/$(basename "$PWD").jsonl"',
  'echo finished >> "$log"',
  '',
].join('\n');

describe.skipIf(unavailable !== undefined)(
  `boxes on ssh hosts${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`,
  () => {
    it("boxes a host worker with the host's engine: it works, reports and is integrated, and escapes nothing", async () => {
      const { fixture, machine, supervise } = await hostFleet({
        files: { 'escape.sh': ESCAPE, '.gitignore': 'escape.log\n' },
        hosts: [{ name: 'far', maxWorkers: 2 }],
        workers: [
          {
            name: 'b1',
            task: '# Boxed\n@sim run sh escape.sh\n@sim write src/b1.ts export const b1 = 1;\\n\n@sim commit b1: boxed part\n@sim done boxed part in',
            host: 'far',
            sandbox: 'required',
            env: { SIB: 's1', MODEL_URL: `http://127.0.0.1:${MODEL_PORT}/v1` },
          },
          {
            name: 's1',
            task: '# Sibling\n@sim work 3 sibling work\n@sim write src/s1.ts export const s1 = 1;\\n\n@sim commit s1: sibling part\n@sim done sibling part in',
            host: 'far',
          },
        ],
        policy: { bonus: 'off' },
      });
      const far = machine('far');
      // The model endpoint, on the host's own loopback (ended with the host's namespace).
      const server = `require('http').createServer((q, r) => r.end('pong')).listen(${MODEL_PORT}, '127.0.0.1')`;
      await far.exec(['sh', '-c', `node -e "${server}" </dev/null >/dev/null 2>&1 &`]);
      await waitFor(
        async () =>
          (
            await far.exec([
              'node',
              '-e',
              `require('net').connect(${MODEL_PORT}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))`,
            ])
          ).exitCode === 0 || undefined,
        { timeoutMs: 10_000, what: 'the model endpoint on the host' },
      );
      await fixture.launchWave();
      const czar = await supervise();
      const project = fixture.fleet.config.project;
      const b1 = `${HOST_WORKTREES}/${project}/workers/b1`;
      const s1 = `${HOST_WORKTREES}/${project}/workers/s1`;
      const lines = await waitFor(
        async () => {
          const text = (await far.exec(['cat', `${b1}/escape.log`])).stdout;
          return text.includes('finished') ? text.trim().split('\n') : undefined;
        },
        { timeoutMs: 60_000, what: 'the escape attempts on the host' },
      );
      expect(lines).toEqual([
        'reached model-endpoint',
        'blocked sibling-folder',
        'blocked host-state',
        'blocked host-port',
        'blocked host-port-through-door',
        'finished',
      ]);
      // The connection its door refused on the host is its alert here.
      await waitFor(
        async () =>
          (await fixture.events()).some(
            (event) => event.worker === 'b1' && event.message.includes('refused a connection to 127.0.0.1:22'),
          ) || undefined,
        { timeoutMs: 30_000, what: "b1's alert for the connection its door refused" },
      );

      // Its session runs the host's engine around its agent, in a repository of its own there.
      expect((await far.exec(['pgrep', '-f', `/bwrap .*--chdir ${b1} `])).exitCode).toBe(0);
      expect((await far.exec(['cat', `${b1}/.git/objects/info/alternates`])).stdout).toContain('/clone/');

      // Its report came through its door as its own: done, verified and integrated with its sibling's work.
      await fixture.waitForEvent('integrated', 'b1', { timeoutMs: 90_000 });
      await fixture.waitForEvent('integrated', 's1', { timeoutMs: 90_000 });
      const files = (await gitIn(fixture.repo, ['ls-tree', '-r', '--name-only', 'czar/integration', 'src']))
        .trim()
        .split('\n');
      expect(files.sort()).toEqual(['src/b1.ts', 'src/s1.ts']);

      // Seen from the host: nothing was written where it aimed; no line in its sibling's name reached the czar.
      expect((await far.exec(['test', '-e', `${s1}/pwned.txt`])).exitCode).not.toBe(0);
      const state = `${HOST_WORKTREES}/${project}/state`;
      expect((await far.exec(['cat', `${state}/logs/s1.log`])).stdout).not.toContain('pwned');
      const sibling = await gitIn(fixture.repo, ['log', '--format=%s', 'czar/s1']);
      expect(sibling).not.toContain('pwned');
      const reports = await readFile(path.join(fixture.fleet.paths.reports, 's1.jsonl'), 'utf8');
      expect(reports).not.toContain('forged-line');
      // The line in its sibling's name it wrote into its own report stream is dropped, not passed on as its own.
      expect(await readFile(path.join(fixture.fleet.paths.reports, 'b1.jsonl'), 'utf8')).not.toContain('forged-line');

      // One network door runs on the host, in its state dir, and czar down stops it with the host's workers.
      const door = ['pgrep', '-f', `czar box-door ${state}$`];
      expect((await far.exec(door)).stdout.split('\n').filter((pid) => pid !== '')).toHaveLength(1);
      await czar.stop();
      expect((await stopHosts(fixture.fleet)).map((outcome) => outcome.stopped)).toEqual([true]);
      expect((await far.exec(door)).exitCode).not.toBe(0);
    });

    it('without an engine on the host: required refuses naming worker and host, on runs unboxed and says so', async () => {
      // A bwrap first on the host's PATH that cannot make a box, as in a container without user namespaces.
      const fake = await brokenBwrapFolder();
      const { fixture } = await hostFleet({
        hosts: [{ name: 'bare', maxWorkers: 2, share: [fake], pathFirst: fake }],
        workers: [
          { name: 'must', task: '# Must\n@sim done must', host: 'bare', sandbox: 'required' },
          { name: 'may', task: '# May\n@sim done may', host: 'bare', sandbox: 'on' },
        ],
        policy: { bonus: 'off' },
      });
      const wave = await launchNow(fixture.fleet);
      expect([...wave.started]).toEqual(['may']);
      expect(wave.failed.map((failure) => String((failure.error as Error).message))).toEqual([
        `worker "must" has sandbox: required but host "bare" has no sandbox engine (${fake}/bwrap cannot make a box here (bwrap: No permissions to create new namespace)); install bubblewrap there (apt-get install bubblewrap) or set sandbox: on to run it unboxed.`,
      ]);
      const said = (await fixture.events()).filter((event) => event.kind === 'sandbox_unavailable');
      expect(said.map((event) => event.message)).toEqual([
        `workers with sandbox: on run unboxed on host "bare": no sandbox engine (${fake}/bwrap cannot make a box here (bwrap: No permissions to create new namespace)); sandbox: on runs it unboxed`,
      ]);
    });

    it("judges a boxed host worker here behind a local box's walls: its checks and its reviewer escape nothing", async () => {
      const tag = randomBytes(4).toString('hex');
      const port = await watchedPort();
      const answer = `model-${tag}`;
      const model = await answeringPort(answer);
      const homeFile = path.join(homedir(), `.czar-host-check-escaped-${tag}`);
      const reviewHomeFile = path.join(homedir(), `.czar-host-review-escaped-${tag}`);
      onTestFinished(async () => {
        await Promise.all([homeFile, reviewHomeFile].map((file) => rm(file, { force: true })));
      });
      const reach = `node -e "require('net').connect(${port.port}, '127.0.0.1').on('connect', () => process.exit(0)).on('error', () => process.exit(1))"`;
      const { fixture, supervise } = await hostFleet({
        hosts: [{ name: 'far', maxWorkers: 2 }],
        workers: [
          {
            name: 'b1',
            task: '# Checked\n@sim write src/b1.ts export const b1 = 1;\\n\n@sim commit b1: checked part\n@sim done checked part in',
            host: 'far',
            sandbox: 'required',
            checks: [
              { name: 'honest', run: 'test -f src/b1.ts' },
              // Into the person's home, into czar's state dir (the checkout is `<state>/checkouts/b1`), then a port.
              { name: 'escape', run: `touch '${homeFile}' ; touch ../../escaped-${tag} ; ${reach}` },
            ],
          },
          {
            name: 'b2',
            task: '# Reviewed\n@sim write src/b2.ts export const b2 = 1;\\n\n@sim commit b2: reviewed part\n@sim done reviewed part in',
            host: 'far',
            sandbox: 'required',
            checks: [{ name: 'honest', run: 'test -f src/b2.ts' }],
            review: { agent: 'judge', timeout: '60s' },
          },
        ],
        agents: (root) => ({
          judge: boxedReviewer({
            modelPort: model,
            badPort: port.port,
            homeFile: reviewHomeFile,
            siblingFile: path.join(root, '.czar', 'events.jsonl'),
            stateFile: path.join(root, '.czar', 'events.jsonl'),
          }),
        }),
        policy: { idle_after: '1m', escalate_after: '1m', bonus: 'off' },
      });
      await fixture.launchWave();
      await supervise();

      // b1's checks ran here: the honest one passed, the one that tried to get out failed and got nowhere.
      const judged = await waitFor(
        async () =>
          (await fixture.events()).find(
            (event) => event.worker === 'b1' && ['checks_failed', 'checks_passed'].includes(event.kind),
          ),
        { timeoutMs: 90_000, what: "b1's checks' verdict" },
      );
      expect([judged.kind, judged.message]).toEqual([
        'checks_failed',
        expect.stringContaining('check "escape" failed') as string,
      ]);
      const verdicts = JSON.parse(await readFile(checkVerdictsFile(fixture.fleet.paths, 'b1'), 'utf8')) as {
        ok: boolean;
      }[];
      expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, false]);
      expect(existsSync(homeFile), "a file b1's check wrote in the home").toBe(false);
      expect(existsSync(path.join(fixture.fleet.paths.root, `escaped-${tag}`)), "a file in czar's state").toBe(false);

      // b2's reviewer ran here in a box: it reached its model endpoint and nothing else.
      await fixture.waitForEvent('review_approved', 'b2', { timeoutMs: 90_000 });
      const status = await fixture.waitForStatus((now) => workerIn(now, 'b2').review?.state === 'approved', {
        what: "b2's approval in status",
      });
      const summary = workerIn(status, 'b2').review?.summary ?? '';
      expect(summary).toContain(`model said ${answer}`);
      expect(summary).toMatch(/checkout: (EROFS|EACCES|EPERM)/);
      expect(summary).toMatch(/state: ENOENT/);
      expect(summary).toMatch(/port: ECONNREFUSED/);
      expect(existsSync(reviewHomeFile), "a file b2's reviewer wrote in the home").toBe(false);
      expect(port.reached(), 'a check or the reviewer reached a loopback port').toBe(false);
    });

    it('without an engine here: required refuses a host worker whose checks run here, on runs them unboxed and says so', async () => {
      withoutBoxEngine();
      const { fixture } = await hostFleet({
        hosts: [{ name: 'far', maxWorkers: 2 }],
        workers: [
          { name: 'must', task: '# Must\n@sim done must', host: 'far', sandbox: 'required' },
          { name: 'may', task: '# May\n@sim done may', host: 'far', sandbox: 'on' },
        ],
        policy: { bonus: 'off' },
      });
      const wave = await launchNow(fixture.fleet);
      expect([...wave.started]).toEqual(['may']);
      expect(wave.failed.map((failure) => String((failure.error as Error).message))).toEqual([
        'worker "must" has sandbox: required and its checks run on this machine, but this machine has no sandbox engine (CZAR_BWRAP=none); install bubblewrap (apt-get install bubblewrap) here or set sandbox: on to run them unboxed.',
      ]);
      const said = (await fixture.events()).filter((event) => event.kind === 'sandbox_unavailable');
      expect(said.map((event) => event.message)).toEqual([
        'the checks of host workers with sandbox: on run on this machine unboxed: this machine has no sandbox engine (CZAR_BWRAP=none)',
      ]);
    });
  },
);
