import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/domain/policy/actions.js';
import { withholdFromPlainShells } from '../../src/domain/policy/plain-shell.js';
import { fleet, spec } from '../helpers/fleet.js';

const shell = { name: 'shell', preset: 'shell' as const, command: 'bash', args: [], env: {}, plainTask: true as const };
const model = fleet([spec('agent'), spec('sh', { agent: shell })]);
const summary = {
  worker: 'up',
  branch: 'czar/up',
  commitsAhead: 1,
  lastCommit: undefined,
  files: [],
  note: undefined,
  resultFile: undefined,
};
const notPasted = (worker: string, kind: string): Action => ({
  kind: 'event',
  worker,
  event: 'not_pasted',
  message: `the ${kind} was not pasted`,
  reason: 'the agent is a plain shell, which would run it as commands, so it gets only its own task',
});
/** The action's own line, under its kind, so the ladder's rungs stay in the log. */
const said = (worker: string, event: string, message: string, reason: string): Action => ({
  kind: 'event',
  worker,
  event,
  message,
  reason,
});

describe("decide()'s last rule: a plain shell gets task texts only", () => {
  it("turns czar's prose for a plain shell into a not_pasted event, and keeps everyone else's and its task texts", () => {
    const actions: Action[] = [
      { kind: 'nudge', worker: 'sh', situation: 'idle', reason: 'idle for 3 s' },
      { kind: 'nudge', worker: 'agent', situation: 'idle', reason: 'idle for 3 s' },
      { kind: 'send', worker: 'sh', text: 'ls -la', reason: 'asked by the person' },
      { kind: 'comments', worker: 'sh', comments: [], reason: 'a comment waits' },
      { kind: 'tell_dependents', worker: 'up', dependents: ['agent', 'sh'], summary, reason: 'up is done' },
    ];
    withholdFromPlainShells(model, actions);
    expect(actions).toEqual([
      said('sh', 'nudge', 'not pasted', 'idle for 3 s'),
      notPasted('sh', 'nudge'),
      { kind: 'nudge', worker: 'agent', situation: 'idle', reason: 'idle for 3 s' },
      { kind: 'send', worker: 'sh', text: 'ls -la', reason: 'asked by the person' },
      said('sh', 'comments', 'not pasted', 'a comment waits'),
      notPasted('sh', 'comments'),
      { kind: 'tell_dependents', worker: 'up', dependents: ['agent'], summary, reason: 'up is done' },
      said('up', 'tell_dependent', 'did not tell sh that up is done', 'up is done'),
      notPasted('sh', 'tell_dependents'),
    ]);
  });

  it('leaves a fleet with no plain shell as it was', () => {
    const actions: Action[] = [{ kind: 'nudge', worker: 'agent', situation: 'idle', reason: 'idle' }];
    withholdFromPlainShells(fleet([spec('agent')]), actions);
    expect(actions).toEqual([{ kind: 'nudge', worker: 'agent', situation: 'idle', reason: 'idle' }]);
  });
});
