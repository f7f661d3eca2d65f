import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GIVE_WAY_MS, PasteWindow } from '../../src/supervisor/effects/paste-window.js';

/** Whether `promise` has settled once the queued microtasks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('the pastes the git work beside the passes (and for tasks, the passes) gives way to', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('lets git start at once when no paste is in flight', async () => {
    expect(await settled(new PasteWindow().giveWay())).toBe(true);
  });

  it('holds git back while a paste is in flight and lets it go when the paste ends', async () => {
    const pastes = new PasteWindow();
    let end!: () => void;
    const paste = pastes.around(() => new Promise<void>((resolve) => (end = resolve)));
    const git = pastes.giveWay();
    await vi.advanceTimersByTimeAsync(GIVE_WAY_MS / 2);
    expect(await settled(git)).toBe(false);
    end();
    await paste;
    expect(await settled(git)).toBe(true);
  });

  it('holds git back at most GIVE_WAY_MS after a paste began, however long the paste waits', async () => {
    const pastes = new PasteWindow();
    void pastes.around(() => new Promise<void>(() => undefined));
    const git = pastes.giveWay();
    await vi.advanceTimersByTimeAsync(GIVE_WAY_MS - 1);
    expect(await settled(git)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(git)).toBe(true);
    // A paste that began long ago holds nothing back any more.
    expect(await settled(pastes.giveWay())).toBe(true);
  });

  it('counts a paste that failed as ended', async () => {
    const pastes = new PasteWindow();
    await expect(pastes.around(() => Promise.reject(new Error('pane gone')))).rejects.toThrow('pane gone');
    expect(await settled(pastes.giveWay())).toBe(true);
  });

  it('holds a pass back for a task delivery, counted from its action, but not for a plain paste', async () => {
    const pastes = new PasteWindow();
    let endMessage!: () => void;
    const message = pastes.around(() => new Promise<void>((resolve) => (endMessage = resolve)));
    expect(await settled(pastes.giveWay('tasks'))).toBe(true);
    let endTask!: () => void;
    const task = pastes.around(() => new Promise<void>((resolve) => (endTask = resolve)), 'task');
    const pass = pastes.giveWay('tasks');
    const git = pastes.giveWay();
    endMessage();
    await message;
    expect(await settled(pass)).toBe(false);
    expect(await settled(git)).toBe(false);
    endTask();
    await task;
    expect(await settled(pass)).toBe(true);
    expect(await settled(git)).toBe(true);
  });

  it('holds a pass back at most GIVE_WAY_MS after a task delivery began', async () => {
    const pastes = new PasteWindow();
    void pastes.around(() => new Promise<void>(() => undefined), 'task');
    const pass = pastes.giveWay('tasks');
    await vi.advanceTimersByTimeAsync(GIVE_WAY_MS - 1);
    expect(await settled(pass)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(pass)).toBe(true);
  });
});
