/** What a key asks for, as data: the reducer returns these, the input hook and `runDashboard` carry them out. */
import { visible } from '../domain/model/sanitize.js';
import type { DashboardActions } from './ports.js';

/** Something the person asked for; `attach` and `openLog` need the terminal. */
export type Effect =
  | YieldingEffect
  | { readonly kind: 'bonus' | 'restart'; readonly worker: string }
  | { readonly kind: 'send' | 'comment'; readonly worker: string; readonly text: string }
  | { readonly kind: 'pause' | 'resume'; readonly worker: string | undefined }
  | { readonly kind: 'nextFleet'; readonly worker?: undefined }
  | { readonly kind: 'quit' };

/** Effects that hand the terminal to another program until they finish. */
export interface YieldingEffect {
  readonly kind: 'attach' | 'openLog';
  readonly worker: string;
}

/** Present-tense and past-tense text for the status line. */
export function describeEffect(effect: Exclude<Effect, { kind: 'quit' }>): { doing: string; done: string } {
  const target = effect.worker ?? 'the fleet';
  switch (effect.kind) {
    case 'attach':
      return { doing: `Attaching to ${target}…`, done: `Back from ${target}.` };
    case 'openLog':
      return { doing: `Opening ${target}'s log…`, done: `Closed ${target}'s log.` };
    case 'send':
      return { doing: `Sending to ${target}…`, done: `Sent to ${target}: ${effect.text}` };
    case 'comment':
      return {
        doing: `Leaving ${target} a comment…`,
        done: `${target} gets the comment between turns: ${effect.text}`,
      };
    case 'bonus':
      return { doing: `Giving ${target} a bonus task…`, done: `Gave ${target} the next bonus task.` };
    case 'restart':
      return { doing: `Restarting ${target}…`, done: `Restarted ${target}.` };
    case 'pause':
      return { doing: `Pausing autonomy for ${target}…`, done: `Paused autonomy for ${target}.` };
    case 'resume':
      return { doing: `Resuming autonomy for ${target}…`, done: `Resumed autonomy for ${target}.` };
    case 'nextFleet':
      return { doing: 'Switching to the next fleet…', done: 'Showing the next fleet.' };
  }
}

/** Calls the action an effect names. */
export function runEffect(actions: DashboardActions, effect: Exclude<Effect, { kind: 'quit' }>): Promise<void> {
  switch (effect.kind) {
    case 'attach':
      return actions.attach(effect.worker);
    case 'openLog':
      return actions.openLog(effect.worker);
    case 'send':
      return actions.send(effect.worker, effect.text);
    case 'comment':
      return actions.comment(effect.worker, effect.text);
    case 'bonus':
      return actions.bonus(effect.worker);
    case 'restart':
      return actions.restart(effect.worker);
    case 'pause':
      return actions.pause(effect.worker);
    case 'resume':
      return actions.resume(effect.worker);
    case 'nextFleet':
      if (actions.nextFleet === undefined)
        return Promise.reject(
          new Error('This dashboard shows one fleet; "czar dashboard --all" switches between all of yours.'),
        );
      return actions.nextFleet().then(() => undefined);
  }
}

/** First line of an error's message: the status line has room for one sentence. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Besides the store's snapshot, the only outside text on screen: it may quote a worker or tmux.
  return visible(message.split('\n')[0] ?? message);
}
