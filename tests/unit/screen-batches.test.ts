import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchedScreens, PROCESS_BATCH_MS } from '../../src/adapters/tmux-capture.js';

/** A server whose screens are named after their panes, recording which panes each call read. */
function recordingServer(): {
  calls: string[][];
  captureMany: (ids: readonly string[]) => Promise<Map<string, string>>;
} {
  const calls: string[][] = [];
  return {
    calls,
    captureMany: async (ids) => {
      calls.push([...ids]);
      return new Map(ids.map((id) => [id, `screen of ${id}`]));
    },
  };
}

describe('batched screen reads', () => {
  afterEach(() => void vi.useRealTimers());

  it('through a control connection, reads asked in one turn share one call and wait for no window', async () => {
    const server = recordingServer();
    const screens = new BatchedScreens(server.captureMany, () => 0);
    const first = screens.read('%1');
    const second = screens.read('%2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.calls).toEqual([['%1', '%2']]);
    await expect(Promise.all([first, second])).resolves.toEqual(['screen of %1', 'screen of %2']);
  });

  it('one process per call: reads wait the window for others to share it', async () => {
    vi.useFakeTimers();
    const server = recordingServer();
    const screens = new BatchedScreens(server.captureMany, () => PROCESS_BATCH_MS);
    const first = screens.read('%1');
    await vi.advanceTimersByTimeAsync(PROCESS_BATCH_MS - 1);
    const second = screens.read('%2');
    expect(server.calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.calls).toEqual([['%1', '%2']]);
    await expect(Promise.all([first, second])).resolves.toEqual(['screen of %1', 'screen of %2']);
  });
});
