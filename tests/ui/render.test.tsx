import { describe, expect, it } from 'vitest';
import { stripVTControlCharacters } from 'node:util';
import { frozenClock } from '../../src/ui/clock.js';
import { runDashboard } from '../../src/ui/render.js';
import { memoryStore } from '../fixtures/fleet-status.js';
import { FakeKeyboard, FakeTerminal, recordingActions, settle } from './fakes.js';

function start(overrides: Parameters<typeof recordingActions>[0] = {}) {
  const store = memoryStore();
  const recorded = recordingActions(overrides);
  const terminal = new FakeTerminal(80, 24);
  const keyboard = new FakeKeyboard();
  const done = runDashboard(store, recorded.actions, {
    stdin: keyboard.asStream(),
    stdout: terminal.asStream(),
    stderr: terminal.asStream(),
    clock: frozenClock,
    // Vitest replaces the console; ink's console patch cannot wrap that one.
    patchConsole: false,
  });
  const press = async (data: string) => {
    keyboard.press(data);
    await settle();
  };
  return { store, calls: recorded.calls, terminal, keyboard, done, press };
}

describe('runDashboard', () => {
  it('lets go of the terminal while attached and comes back on the same worker', async () => {
    let detach: () => void = () => undefined;
    const app = start({ attach: () => new Promise<void>((resolve) => (detach = resolve)) });
    await settle();
    // The screen's, and the selected worker's pane tail's.
    expect(app.store.listeners()).toBe(2);
    await app.press('j');
    await app.press('\r');
    expect(app.calls).toEqual([['attach', 'audit']]);
    // Unmounted: no store subscription and no key listener while tmux owns the terminal.
    expect(app.store.listeners()).toBe(0);
    expect(app.keyboard.listenerCount('readable')).toBe(0);
    await app.press('q');
    detach();
    await settle();
    expect(app.store.listeners()).toBe(2);
    // The selection survived the remount: `l` opens audit's log, not gateway's.
    await app.press('l');
    await settle();
    expect(app.calls).toEqual([
      ['attach', 'audit'],
      ['openLog', 'audit'],
    ]);
    await app.press('q');
    await app.done;
    expect(app.store.listeners()).toBe(0);
    expect(stripVTControlCharacters(app.terminal.written)).toContain("Closed audit's log.");
  });

  it('shows a failed attach as one sentence after coming back', async () => {
    const app = start({
      attach: () => Promise.reject(new Error('tmux session czar-shop-api:gateway is gone; run czar up.')),
    });
    await settle();
    await app.press('a');
    await settle();
    await app.press('q');
    await app.done;
    expect(stripVTControlCharacters(app.terminal.written)).toContain(
      '✗ tmux session czar-shop-api:gateway is gone; run czar up.',
    );
  });

  it('resolves when the person quits, without calling any action', async () => {
    const app = start();
    await settle();
    await app.press('q');
    await expect(app.done).resolves.toBeUndefined();
    expect(app.calls).toEqual([]);
  });
});
