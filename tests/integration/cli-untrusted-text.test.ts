import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { FleetEvent } from '../../src/domain/model/words.js';
import type { FleetStatus } from '../../src/domain/status/status-schema.js';
import { fixtureStatus, fixtureWorkers } from '../fixtures/fleet-status.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';

/**
 * ESC (a screen clear), BEL, an OSC window title, CR, NUL, a one-byte C1 CSI and an LF that would start a line of
 * its own (a fake peer or event line): what a hostile worker could write.
 */
const HOSTILE = 'x\u001b[2Jy\u0007\u001b]0;pwned\u0007\rz\u0000\u009b31m\nw9 (done, branch main): fake';
const SHOWN = 'x\u241b[2Jy\u2407\u241b]0;pwned\u2407\u240dz\u2400\u241b[31m\u240aw9 (done, branch main): fake';
// Output may hold LF between lines; nothing else a terminal would act on.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

/** A fleet on disk whose status and events carry worker-written text full of control characters. */
async function hostileFleet(): Promise<string> {
  const { root } = await tempRepo();
  const project = uniqueProject();
  await writeFleetConfig(
    root,
    project,
    'repo: repo\nagent: sim\nworkers:\n  - name: gateway\n    task: Build the gateway.\n  - name: audit\n    task: Write the audit log.\n',
  );
  const [gateway, audit] = fixtureWorkers;
  const status: FleetStatus = {
    ...fixtureStatus,
    project,
    supervisor: undefined,
    workers: [
      {
        ...gateway!,
        title: `title ${HOSTILE}`,
        note: `note ${HOSTILE}`,
        resultFile: `result ${HOSTILE}.md`,
        lastOutput: `out ${HOSTILE}`,
      },
      {
        ...audit!,
        note: `audit note ${HOSTILE}`,
        alerts: [{ kind: 'bad_report', message: `alert ${HOSTILE}`, since: fixtureStatus.updatedAt }],
      },
    ],
    queue: [{ id: 'bonus-1', title: `bonus ${HOSTILE}` }],
  };
  const events: FleetEvent[] = [
    { at: '2025-06-03T14:29:00.000Z', kind: 'reported', worker: 'gateway', message: `gateway reported: ${HOSTILE}` },
  ];
  const state = path.join(root, '.czar');
  await mkdir(state, { recursive: true });
  await writeFile(path.join(state, 'status.json'), JSON.stringify(status));
  await writeFile(path.join(state, 'events.jsonl'), events.map((event) => `${JSON.stringify(event)}\n`).join(''));
  return root;
}

describe('worker-written text reaches the terminal with its control characters shown as symbols', () => {
  test('czar status, czar peers and czar log, text and JSON', async () => {
    const root = await hostileFleet();

    const status = await czar(['status'], { cwd: root });
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).not.toMatch(CONTROL);
    expect(status.stdout).toContain(`title ${SHOWN}`);

    const peers = await czar(['peers', 'audit'], { cwd: root });
    expect(peers.exitCode, peers.stderr).toBe(0);
    expect(peers.stdout).not.toMatch(CONTROL);
    expect(peers.stdout).toContain(`note ${SHOWN}`);
    expect(peers.stdout).toContain(`bonus ${SHOWN}`);

    const log = await czar(['log'], { cwd: root });
    expect(log.exitCode, log.stderr).toBe(0);
    expect(log.stdout).not.toMatch(CONTROL);
    expect(log.stdout).toContain(`gateway reported: ${SHOWN}`);

    // JSON keeps the exact text, escaped: parsing gives back what the worker wrote.
    for (const args of [
      ['status', '--json'],
      ['peers', 'audit', '--json'],
      ['log', '--json'],
    ]) {
      const json = await czar(args, { cwd: root });
      expect(json.exitCode, json.stderr).toBe(0);
      expect(json.stdout, args.join(' ')).not.toMatch(CONTROL);
      expect(json.stdout).toContain(JSON.stringify(HOSTILE).slice(1, -1).replace('\u009b', '\\u009b'));
    }
    const parsed = JSON.parse((await czar(['status', '--json'], { cwd: root })).stdout) as FleetStatus;
    expect(parsed.workers[0]?.note).toBe(`note ${HOSTILE}`);
  });
});
