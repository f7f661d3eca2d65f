import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { Dashboard } from '../../src/ui/app.js';
import type { HostStatus, FleetStatus } from '../../src/domain/status/status-schema.js';
import { FIXTURE_NOW, fixtureSnapshot, fixtureStatus, memoryStore } from '../fixtures/fleet-status.js';
import { lines, recordingActions } from './fakes.js';

afterEach(() => cleanup());

const ago = (seconds: number) => new Date(FIXTURE_NOW - seconds * 1000).toISOString();

/** The fixture fleet with gateway on host gpu1 and audit on host gpu2. */
function onHosts(hosts: readonly HostStatus[]): FleetStatus {
  const placed: Record<string, string> = { gateway: 'gpu1', audit: 'gpu2' };
  return {
    ...fixtureStatus,
    workers: fixtureStatus.workers.map((worker) =>
      placed[worker.name] === undefined ? worker : { ...worker, host: placed[worker.name] },
    ),
    hosts,
  };
}

function screenOf(status: FleetStatus, columns = 120): string[] {
  const store = memoryStore(fixtureSnapshot({ status }));
  const app = render(<Dashboard store={store} actions={recordingActions().actions} size={{ columns, rows: 30 }} />);
  return lines(app.lastFrame());
}

const row = (screen: readonly string[], worker: string) =>
  screen.find((line) => new RegExp(`^.{2}${worker}\\s`).test(line)) ?? '';

describe('hosts on the dashboard', () => {
  it("shows an unreachable host in the header, since when, and its workers' rows as out of sight", () => {
    const screen = screenOf(
      onHosts([
        { name: 'gpu1', state: 'reachable', since: ago(3000), workers: ['gateway'] },
        { name: 'gpu2', state: 'unreachable', since: ago(125), reason: 'Connection timed out', workers: ['audit'] },
      ]),
    );
    const header = screen.slice(0, 2).join('\n');
    expect(header).toContain('hosts 1/2 reachable · gpu2 ✗ unreachable 2m');
    // The worker's last known state gives way to the fact that nobody can see it now.
    expect(row(screen, 'audit')).toMatch(/^ {2}audit\s+⊘ no host\s/);
    expect(row(screen, 'gateway')).toMatch(/^.{2}gateway\s+● working\s/);
  });

  it('says all hosts are reachable in a word, and nothing about hosts for a local fleet', () => {
    const reachable = screenOf(
      onHosts([
        { name: 'gpu1', state: 'reachable', since: ago(3000), workers: ['gateway'] },
        { name: 'gpu2', state: 'reachable', since: ago(3000), workers: ['audit'] },
      ]),
    );
    expect(reachable.slice(0, 2).join('\n')).toContain('hosts 2/2 reachable');
    expect(row(reachable, 'audit')).toMatch(/^ {2}audit\s+○ idle\s/);
    expect(screenOf(fixtureStatus).slice(0, 2).join('\n')).not.toContain('hosts');
  });

  it('names a refused host and a host still connecting', () => {
    const header = screenOf(
      onHosts([
        { name: 'gpu1', state: 'connecting', since: ago(3), workers: ['gateway'] },
        { name: 'gpu2', state: 'refused', since: ago(60), reason: 'host "gpu2" runs czar 0.0.1', workers: ['audit'] },
      ]),
    )
      .slice(0, 2)
      .join('\n');
    expect(header).toContain('hosts 0/2 reachable · gpu1 ◌ connecting now · gpu2 ✗ refused 1m');
  });
});
