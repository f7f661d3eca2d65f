import { describe, expect, it } from 'vitest';
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
});
