import { describe, expect, it } from 'vitest';
import { refusedWrites } from '../../src/domain/model/box-writes.js';
import { decide } from '../../src/domain/policy/decide.js';
import { alivePane, fleet, observe, only, spec, T0, worker } from '../helpers/fleet.js';

/** A launched worker whose pane is alive: its own rules run on each change of its facts. */
const running = () =>
  observe(fleet([spec('w')]), 'w', () => ({ launchedAt: T0, deliveredAt: T0, pane: alivePane(T0) }));
const alertsOf = (model: ReturnType<typeof running>) =>
  worker(model, 'w').memory.alerts.map((a) => [a.kind, a.message]);

describe('alerts on what the shell refused or could not do, decided by decide()', () => {
  it('raises bad_report once for a refused report, and clears it once a report is taken whole', () => {
    const refused = observe(running(), 'w', () => ({ refused: { what: 'report', reason: 'unknown state "donee"' } }));
    const first = decide(refused, T0 + 1000);
    expect(only(first.actions, 'alert').map((action) => action.alert.message)).toEqual([
      'its report was rejected: unknown state "donee"',
    ]);
    expect(alertsOf(first.fleet)).toEqual([['bad_report', 'its report was rejected: unknown state "donee"']]);
    expect(only(decide(first.fleet, T0 + 2000).actions, 'alert')).toEqual([]);
    const file = observe(first.fleet, 'w', () => ({ refused: { what: 'result file', reason: 'it is a symlink' } }));
    expect(alertsOf(decide(file, T0 + 3000).fleet)).toEqual([
      ['bad_report', 'its result file was rejected: it is a symlink'],
    ]);
    const taken = decide(
      observe(first.fleet, 'w', () => ({ refused: undefined })),
      T0 + 4000,
    );
    expect(only(taken.actions, 'clear_alert').map((action) => action.alertKind)).toEqual(['bad_report']);
    expect(alertsOf(taken.fleet)).toEqual([]);
  });

  it("raises delivery_failed with the failed action's message", () => {
    const failed = observe(running(), 'w', () => ({ undelivered: 'Worker "w" exited before its task was pasted.' }));
    const decided = decide(failed, T0 + 1000);
    expect(alertsOf(decided.fleet)).toEqual([['delivery_failed', 'Worker "w" exited before its task was pasted.']]);
    expect(only(decide(decided.fleet, T0 + 2000).actions, 'alert')).toEqual([]);
  });

  describe("a boxed worker's refused writes", () => {
    const sandbox = { mode: 'required' as const, allowHosts: [], writable: [], prompts: 'skip' as const };
    const boxed = (screen: string, from = fleet([spec('w', { sandbox })])) =>
      observe(from, 'w', () => ({ launchedAt: T0, deliveredAt: T0, pane: alivePane(T0, { screen }) }));

    it('reads the path from each way programs say EROFS, once per path, with controls made visible', () => {
      const screen = [
        "touch: cannot touch '/etc/motd': Read-only file system",
        'sh: 1: cannot create /srv/data/out.txt: Read-only file system',
        "Error: EROFS: read-only file system, open '/opt/tool/cache.json'",
        "OSError: [Errno 30] Read-only file system: '/var/lib/x'",
        "touch: cannot touch '/etc/motd': Read-only file system",
        'bash: /home/ann/\x1b[31mx: Read-only file system',
        'cannot touch /etc/y: Permission denied',
        "fatal: cannot create directory at 'rel/path': Read-only file system",
      ].join('\n');
      expect(refusedWrites(screen)).toEqual([
        '/etc/motd',
        '/srv/data/out.txt',
        '/opt/tool/cache.json',
        '/var/lib/x',
        '/home/ann/\u241b[31mx',
      ]);
      expect(refusedWrites('> all fine')).toEqual([]);
    });

    it('raises box_refused naming the path for a boxed worker only, again only for a new path', () => {
      const first = decide(boxed("touch: cannot touch '/etc/motd': Read-only file system"), T0 + 1000);
      const [alert] = only(first.actions, 'alert').map((action) => action.alert);
      expect(alert?.kind).toBe('box_refused');
      expect(alert?.message).toBe(
        "the box of w refused a write to /etc/motd (outside its own folder, its agent's files, its /tmp and sandbox.writable); add the folder to sandbox.writable if the worker needs it",
      );
      expect(alert?.files).toEqual(['/etc/motd']);
      const again = decide(boxed("touch: cannot touch '/etc/motd': Read-only file system", first.fleet), T0 + 2000);
      expect(only(again.actions, 'alert')).toEqual([]);
      const next = decide(
        boxed("mkdir: cannot create directory '/srv/a': Read-only file system", again.fleet),
        T0 + 3000,
      );
      expect(only(next.actions, 'alert').map((action) => action.alert.files)).toEqual([['/etc/motd', '/srv/a']]);
      expect(alertsOf(next.fleet).map(([kind]) => kind)).toEqual(['box_refused']);
      const unboxed = observe(running(), 'w', () => ({
        pane: alivePane(T0, { screen: "touch: cannot touch '/etc/motd': Read-only file system" }),
      }));
      expect(only(decide(unboxed, T0 + 1000).actions, 'alert')).toEqual([]);
    });

    it('names the connections its door refused in the same line, said again only for a new one', () => {
      const written = decide(boxed("touch: cannot touch '/etc/motd': Read-only file system"), T0 + 1000);
      const called = observe(written.fleet, 'w', () => ({ boxConnections: ['example.com:443'] }));
      const first = decide(called, T0 + 2000);
      expect(only(first.actions, 'alert').map((action) => action.alert.message)).toEqual([
        "the box of w refused a connection to example.com:443 (neither its agent's model endpoint nor in sandbox.allow_hosts) and a write to /etc/motd (outside its own folder, its agent's files, its /tmp and sandbox.writable); add the host to sandbox.allow_hosts or the folder to sandbox.writable if the worker needs it",
      ]);
      expect(only(decide(first.fleet, T0 + 3000).actions, 'alert')).toEqual([]);
      const more = observe(first.fleet, 'w', () => ({ boxConnections: ['example.com:443', 'evil.test:80'] }));
      expect(only(decide(more, T0 + 4000).actions, 'alert').map((action) => action.alert.message)).toEqual([
        expect.stringContaining('a connection to evil.test:80 (and 1 more: example.com:443)'),
      ]);
    });
  });
});
