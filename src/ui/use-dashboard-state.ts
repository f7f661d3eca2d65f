/**
 * The dashboard's interaction state: which worker is selected, which mode the keys are in, and the status
 * line. `interpretKey` is a pure reducer (state + key -> state + effect to run); `useDashboardInput` feeds it
 * ink's keys and runs the effects through the injected actions.
 */
import { useCallback, useRef, useState } from 'react';
import { useInput } from 'ink';
import type { WorkerState } from '../domain/model/words.js';
import { describeEffect, errorText, runEffect, type Effect, type YieldingEffect } from './effects.js';
import type { DashboardActions } from './ports.js';

export type Mode =
  | { readonly kind: 'browse' }
  | { readonly kind: 'prompt'; readonly worker: string; readonly text: string; readonly comment?: true }
  | { readonly kind: 'confirm'; readonly question: string; readonly effect: Effect }
  | { readonly kind: 'help' };

export interface StatusLine {
  readonly tone: 'info' | 'pending' | 'error';
  readonly text: string;
}

export interface UiState {
  /** Selected worker by name, so the selection survives reordering; undefined means the first. */
  readonly selected: string | undefined;
  readonly mode: Mode;
  readonly status: StatusLine | undefined;
}

export const initialUiState: UiState = { selected: undefined, mode: { kind: 'browse' }, status: undefined };

/** The part of the fleet the keys need to know about. */
export interface KeyView {
  readonly workers: readonly { readonly name: string; readonly state: WorkerState; readonly paused: boolean }[];
  readonly fleetPaused: boolean;
}

/** The subset of ink's `Key` the dashboard reads (so tests and callers need not build a full one). */
export interface KeyPress {
  readonly upArrow?: boolean;
  readonly downArrow?: boolean;
  readonly return?: boolean;
  readonly escape?: boolean;
  readonly backspace?: boolean;
  readonly delete?: boolean;
  readonly ctrl?: boolean;
  readonly meta?: boolean;
  readonly tab?: boolean;
}

export interface KeyResult {
  readonly state: UiState;
  readonly effect?: Effect;
}

/** Index of the selected worker in `view.workers` (0 when the name is gone or unset). */
export function selectedIndex(state: UiState, view: KeyView): number {
  const index = view.workers.findIndex((worker) => worker.name === state.selected);
  return index < 0 ? 0 : index;
}

const BONUS_WITHOUT_ASKING: readonly WorkerState[] = ['done', 'verified', 'idle'];

export function interpretKey(state: UiState, input: string, key: KeyPress, view: KeyView): KeyResult {
  const browse: Mode = { kind: 'browse' };
  switch (state.mode.kind) {
    case 'help':
      return { state: { ...state, mode: browse } };
    case 'confirm': {
      if (input === 'y' || input === 'Y') return { state: { ...state, mode: browse }, effect: state.mode.effect };
      if (input === 'n' || input === 'N' || key.escape) {
        return { state: { ...state, mode: browse, status: { tone: 'info', text: 'Cancelled.' } } };
      }
      return { state };
    }
    case 'prompt': {
      const { worker, text } = state.mode;
      if (key.escape) return { state: { ...state, mode: browse, status: { tone: 'info', text: 'Message not sent.' } } };
      if (key.return) {
        const message = text.trim();
        if (message === '') return { state: { ...state, mode: browse } };
        const kind = state.mode.comment === true ? 'comment' : 'send';
        return { state: { ...state, mode: browse }, effect: { kind, worker, text: message } };
      }
      if (key.backspace || key.delete) {
        return { state: { ...state, mode: { ...state.mode, text: Array.from(text).slice(0, -1).join('') } } };
      }
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return { state };
      // eslint-disable-next-line no-control-regex -- pasted text may carry control characters; a one-line input drops them
      const printable = input.replace(/[\u0000-\u001f\u007f]/g, '');
      return { state: { ...state, mode: { ...state.mode, text: text + printable } } };
    }
    case 'browse':
      return browseKey(state, input, key, view);
  }
}

function browseKey(state: UiState, input: string, key: KeyPress, view: KeyView): KeyResult {
  const index = selectedIndex(state, view);
  const move = (delta: number): KeyResult => {
    const next = view.workers[Math.min(Math.max(index + delta, 0), view.workers.length - 1)];
    return { state: { ...state, selected: next?.name } };
  };
  if (key.upArrow || input === 'k') return move(-1);
  if (key.downArrow || input === 'j') return move(1);
  if (input === 'q') return { state, effect: { kind: 'quit' } };
  if (input === '?') return { state: { ...state, mode: { kind: 'help' } } };
  if (input === 'f') return { state, effect: { kind: 'nextFleet' } };
  if (input === 'P') {
    return { state, effect: { kind: view.fleetPaused ? 'resume' : 'pause', worker: undefined } };
  }
  const worker = view.workers[index];
  const needsWorker = key.return || ['a', 's', 'c', 'b', 'r', 'p', 'l'].includes(input);
  if (!needsWorker) return { state };
  if (worker === undefined)
    return { state: { ...state, status: { tone: 'error', text: 'There are no workers yet.' } } };
  const name = worker.name;
  if (key.return || input === 'a') return { state, effect: { kind: 'attach', worker: name } };
  switch (input) {
    case 's':
      return { state: { ...state, mode: { kind: 'prompt', worker: name, text: '' } } };
    case 'c':
      return { state: { ...state, mode: { kind: 'prompt', worker: name, text: '', comment: true } } };
    case 'b':
      if (BONUS_WITHOUT_ASKING.includes(worker.state)) return { state, effect: { kind: 'bonus', worker: name } };
      return confirm(state, `${name} is ${worker.state}; give it the next bonus task anyway?`, {
        kind: 'bonus',
        worker: name,
      });
    case 'r':
      return confirm(state, `Restart ${name}'s agent? Unsaved work in its session is lost.`, {
        kind: 'restart',
        worker: name,
      });
    case 'p':
      return { state, effect: { kind: worker.paused ? 'resume' : 'pause', worker: name } };
    case 'l':
      return { state, effect: { kind: 'openLog', worker: name } };
    default:
      return { state };
  }
}

const LEAVES: readonly Effect['kind'][] = ['quit', 'attach', 'openLog'];

export interface InputResult {
  readonly state: UiState;
  readonly effects: readonly Effect[];
}

/**
 * One read from the terminal: ink hands keys typed faster than it reads (`jjj`) to the handler as one string, so a
 * plain burst is taken a key at a time; once a key opens the message input, the rest of the burst is its text.
 */
export function interpretInput(state: UiState, input: string, key: KeyPress, view: KeyView): InputResult {
  const keys = Array.from(input);
  const special = Object.values(key).some(Boolean);
  if (special || keys.length <= 1) {
    const result = interpretKey(state, input, key, view);
    return { state: result.state, effects: result.effect === undefined ? [] : [result.effect] };
  }
  let current = state;
  const effects: Effect[] = [];
  for (const [index, char] of keys.entries()) {
    const rest = current.mode.kind === 'prompt' ? keys.slice(index).join('') : char;
    const result = interpretKey(current, rest === '\r' ? '' : rest, rest === '\r' ? { return: true } : {}, view);
    current = result.state;
    if (result.effect !== undefined) effects.push(result.effect);
    // Keys after one that leaves the dashboard (quit, attach, open the log) were not meant for what comes next.
    if (rest !== char || (result.effect !== undefined && LEAVES.includes(result.effect.kind))) break;
  }
  return { state: current, effects };
}

function confirm(state: UiState, question: string, effect: Effect): KeyResult {
  return { state: { ...state, mode: { kind: 'confirm', question, effect } } };
}

export interface DashboardInputOptions {
  readonly initial: UiState;
  readonly view: KeyView;
  readonly actions: DashboardActions;
  readonly onQuit: () => void;
  /** Set by `runDashboard`: hand the terminal over for attach/openLog instead of calling the action in place. */
  readonly onYield: ((effect: YieldingEffect, state: UiState) => void) | undefined;
}

/** Wires ink's keys to `interpretKey` and runs the resulting effects; returns the current state. */
export function useDashboardInput(options: DashboardInputOptions): UiState {
  const { view, actions, onQuit, onYield } = options;
  const [state, setState] = useState(options.initial);
  // A ref mirrors the state so keys that arrive before React re-renders still see the latest state.
  const current = useRef(state);
  const update = useCallback((next: (previous: UiState) => UiState) => {
    current.current = next(current.current);
    setState(current.current);
  }, []);

  const handler = (input: string, key: KeyPress) => {
    const result = interpretInput(current.current, input, key, view);
    update(() => result.state);
    for (const effect of result.effects) run(effect);
  };
  const run = (effect: Effect) => {
    if (effect.kind === 'quit') {
      onQuit();
      return;
    }
    const text = describeEffect(effect);
    if ((effect.kind === 'attach' || effect.kind === 'openLog') && onYield !== undefined) {
      onYield(
        { kind: effect.kind, worker: effect.worker },
        { ...current.current, status: { tone: 'info', text: text.done } },
      );
      return;
    }
    update((previous) => ({ ...previous, status: { tone: 'pending', text: text.doing } }));
    void runEffect(actions, effect).then(
      () => update((previous) => ({ ...previous, status: { tone: 'info', text: text.done } })),
      (error: unknown) => update((previous) => ({ ...previous, status: { tone: 'error', text: errorText(error) } })),
    );
  };
  useInput(handler);
  return state;
}
