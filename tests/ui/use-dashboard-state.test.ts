import { describe, expect, it } from 'vitest';
import { describeEffect, errorText } from '../../src/ui/effects.js';
import {
  initialUiState,
  interpretInput,
  interpretKey,
  type KeyView,
  type UiState,
} from '../../src/ui/use-dashboard-state.js';

const view: KeyView = {
  workers: [
    { name: 'gateway', state: 'working', paused: false },
    { name: 'audit', state: 'done', paused: true },
  ],
  fleetPaused: true,
};
const empty: KeyView = { workers: [], fleetPaused: false };

function keys(
  sequence: readonly (string | { escape?: boolean; return?: boolean; backspace?: boolean })[],
  start = initialUiState,
) {
  let state: UiState = start;
  const effects = [];
  for (const key of sequence) {
    const result = typeof key === 'string' ? interpretKey(state, key, {}, view) : interpretKey(state, '', key, view);
    state = result.state;
    if (result.effect !== undefined) effects.push(result.effect);
  }
  return { state, effects };
}

describe('interpretKey', () => {
  it('selects by name and clamps at both ends', () => {
    expect(keys(['k']).state.selected).toBe('gateway');
    expect(keys(['j', 'j', 'j']).state.selected).toBe('audit');
  });

  it('asks before a bonus for a busy worker but not for a done one', () => {
    expect(keys(['b']).state.mode.kind).toBe('confirm');
    expect(keys(['j', 'b']).effects).toEqual([{ kind: 'bonus', worker: 'audit' }]);
  });

  it('p follows the worker, P follows the fleet', () => {
    expect(keys(['p', 'j', 'p', 'P']).effects).toEqual([
      { kind: 'pause', worker: 'gateway' },
      { kind: 'resume', worker: 'audit' },
      { kind: 'resume', worker: undefined },
    ]);
  });

  it('ignores other keys while confirming and cancels on Esc', () => {
    const { state, effects } = keys(['r', 'x', 'q', { escape: true }]);
    expect(effects).toEqual([]);
    expect(state.mode.kind).toBe('browse');
    expect(state.status?.text).toBe('Cancelled.');
  });

  it('edits the message with backspace, drops control characters, and sends it trimmed', () => {
    const { effects } = keys(['s', ' hi\u0007 there', { backspace: true }, 'e ', { return: true }]);
    expect(effects).toEqual([{ kind: 'send', worker: 'gateway', text: 'hi there' }]);
  });

  it('c opens the same prompt for a review comment, and Enter leaves the comment instead of sending', () => {
    const { effects } = keys(['j', 'c', 'src/a.ts:3 handle the empty list', { return: true }]);
    expect(effects).toEqual([{ kind: 'comment', worker: 'audit', text: 'src/a.ts:3 handle the empty list' }]);
  });

  it('sends nothing for an empty message', () => {
    const { state, effects } = keys(['s', '   ', { return: true }]);
    expect(effects).toEqual([]);
    expect(state.mode.kind).toBe('browse');
  });

  it('says so when a worker key is pressed in an empty fleet', () => {
    const result = interpretKey(initialUiState, 'r', {}, empty);
    expect(result.effect).toBeUndefined();
    expect(result.state.status).toEqual({ tone: 'error', text: 'There are no workers yet.' });
  });
});

describe('status text', () => {
  it('describes fleet-wide effects and keeps only the first line of an error', () => {
    expect(describeEffect({ kind: 'pause', worker: undefined }).done).toBe('Paused autonomy for the fleet.');
    expect(errorText(new Error('tmux is gone; run czar up.\n    at stack'))).toBe('tmux is gone; run czar up.');
    expect(errorText('plain')).toBe('plain');
  });
});

describe('interpretInput', () => {
  it('takes a burst a key at a time, Enter included, and stops at a key that leaves the dashboard', () => {
    expect(interpretInput(initialUiState, 'j\r', {}, view).effects).toEqual([{ kind: 'attach', worker: 'audit' }]);
    expect(interpretInput(initialUiState, 'pjp', {}, view).effects).toEqual([
      { kind: 'pause', worker: 'gateway' },
      { kind: 'resume', worker: 'audit' },
    ]);
    const left = interpretInput(initialUiState, 'aj', {}, view);
    expect(left.effects).toEqual([{ kind: 'attach', worker: 'gateway' }]);
    expect(left.state.selected).toBeUndefined();
  });

  it('gives the rest of the burst to the message input once a key opens it', () => {
    const { state, effects } = interpretInput(initialUiState, 'sjq\r', {}, view);
    expect(effects).toEqual([]);
    expect(state.mode).toEqual({ kind: 'prompt', worker: 'gateway', text: 'jq' });
  });
});
