import { render } from 'ink';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { Dashboard } from '../../src/ui/app.js';
import { frozenClock, tickingClock } from '../../src/ui/clock.js';
import { memoryStore } from '../fixtures/fleet-status.js';
import { FakeKeyboard, FakeTerminal, recordingActions, settle } from './fakes.js';

// An idle dashboard's cost is its frames: each one lays out and writes the whole screen. A change nobody sees draws
// none.

async function mounted() {
  const store = memoryStore();
  const terminal = new FakeTerminal(160, 40);
  let frames = 0;
  const app = render(<Dashboard store={store} actions={recordingActions().actions} clock={frozenClock} />, {
    stdout: terminal.asStream(),
    stdin: new FakeKeyboard().asStream(),
    patchConsole: false,
    // Unthrottled, a frame is drawn in the turn that asked for it, so a late trailing frame of a loaded machine
    // cannot land after the count was taken.
    maxFps: 0,
    onRender: () => {
      frames += 1;
    },
  });
  await settle();
  return { store, terminal, frames: () => frames, unmount: () => app.unmount() };
}

describe('dashboard frames', () => {
  it('a pane tail of a worker not selected, or a status that only moved with the heartbeat (times, metrics), draws no frame', async () => {
    const app = await mounted();
    const before = app.frames();
    const shown = app.store.getSnapshot();
    app.store.set({
      ...shown,
      paneTails: { ...shown.paneTails, audit: ['audit drew a new line'] },
      now: shown.now + 1,
    });
    await settle();
    const beat = { pid: shown.status.supervisor?.pid ?? 0, heartbeatAt: new Date(shown.now + 15_000).toISOString() };
    const written = new Date(shown.now + 15_000).toISOString();
    app.store.set({
      ...app.store.getSnapshot(),
      status: {
        ...shown.status,
        supervisor: beat,
        updatedAt: written,
        metrics: { hours: 0.25, tasksDone: 0, tasksPerHour: 0, czarActions: 3, personActions: 0, tasks: [] },
      },
      now: shown.now + 2,
    });
    await settle();
    expect(app.frames()).toBe(before);

    // The selected worker's tail is drawn at once.
    const now = app.store.getSnapshot();
    app.store.set({ ...now, paneTails: { ...now.paneTails, gateway: ['gateway drew a new line'] } });
    await settle();
    expect(app.frames()).toBe(before + 1);
    // Under CI=true ink writes only the last frame, when it unmounts: read what reached the terminal after that.
    app.unmount();
    expect(stripVTControlCharacters(app.terminal.written)).toContain('gateway drew a new line');
  });

  it('the clock moves in steps of the wall clock, so every relative time that moves moves in the same frame', () => {
    vi.useFakeTimers();
    try {
      let wall = 12_345;
      const clock = tickingClock(1000, () => wall, 5000);
      let ticks = 0;
      const stop = clock.subscribe(() => (ticks += 1));
      expect(clock.now()).toBe(10_000);
      for (let second = 0; second < 10; second += 1) {
        wall += 1000;
        vi.advanceTimersByTime(1000);
      }
      expect(ticks).toBe(2);
      expect(clock.now()).toBe(20_000);
      stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
