import type { FleetModel } from '../model/model.js';
import type { Action } from './actions.js';

/** The actions whose message is czar's prose (or a comment, or another's text): a plain shell would run it. */
const PROSE = new Set<Action['kind']>([
  'nudge',
  'realign',
  'fixup',
  'review_fixup',
  'warn_conflict',
  'warn_moved',
  'comments',
  'tell_parent',
  'rebrief',
]);

const WHY = 'the agent is a plain shell, which would run it as commands, so it gets only its own task';

/**
 * A worker whose agent is a plain shell gets only task texts: a bonus task's own text and a person's own `czar send`
 * line, typed as they wrote them. Every other message meant for it is logged under its own kind as not pasted (the
 * ladder's rungs stay in the log) and then as `not_pasted`, and a dependent that is one is not told. In place, as the
 * last rule, so no rule has to remember it.
 */
export function withholdFromPlainShells(fleet: FleetModel, actions: Action[]): void {
  const plain = new Set(fleet.workers.filter((w) => w.spec.agent.plainTask === true).map((w) => w.spec.name));
  if (plain.size === 0) return;
  const notPasted = (worker: string, kind: string, said: Action): Action[] => [
    said,
    { kind: 'event', worker, event: 'not_pasted', message: `the ${kind} was not pasted`, reason: WHY },
  ];
  for (let index = actions.length - 1; index >= 0; index--) {
    const action = actions[index] as Action;
    if (action.kind === 'tell_dependents') {
      const shells = action.dependents.filter((name) => plain.has(name));
      if (shells.length === 0) continue;
      const told = action.dependents.filter((name) => !plain.has(name));
      const kept: Action[] = told.length === 0 ? [] : [{ ...action, dependents: told }];
      const withheld = shells.flatMap((name) =>
        notPasted(name, action.kind, {
          kind: 'event',
          worker: action.worker,
          event: 'tell_dependent',
          message: `did not tell ${name} that ${action.worker} is done`,
          reason: action.reason,
        }),
      );
      actions.splice(index, 1, ...kept, ...withheld);
    } else if (PROSE.has(action.kind) && action.worker !== undefined && plain.has(action.worker)) {
      const { worker, kind, reason } = action;
      const said: Action = { kind: 'event', worker, event: kind, message: 'not pasted', reason };
      actions.splice(index, 1, ...notPasted(worker, kind, said));
    }
  }
}
