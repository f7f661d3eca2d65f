import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { shellPreset } from '../../src/agents/shell/preset.js';
import { deliverPrompt } from '../../src/delivery/delivery.js';
import { tempDir } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { TIMEOUT_SCALE as scale, waitFor } from '../helpers/wait.js';

const fixture = fileURLToPath(new URL('../fixtures/queue-while-starting.js', import.meta.url));

/** The fixture in a pane: its input box is drawn at once, its start-up ends after `initMs` (never without it). */
async function start(
  initMs?: number,
): Promise<{ tmux: ReturnType<typeof privateTmux>; paneId: string; record: string }> {
  const tmux = privateTmux();
  const dir = await tempDir();
  const record = path.join(dir, 'received');
  const flags = initMs === undefined ? [] : ['--init', String(initMs)];
  const paneId = await tmux.newSession({ name: 'tui', cwd: dir, argv: [process.execPath, fixture, record, ...flags] });
  await waitFor(() => existsSync(`${record}.submits`), { what: 'the fixture started' });
  return { tmux, paneId, record };
}

const submits = (record: string): unknown[] =>
  readFileSync(`${record}.submits`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as unknown);

const TASK = 'write the greeting and commit it';

describe('delivery into an agent whose input box is drawn before its start-up is over', () => {
  it('pastes only once the agent said its start-up is over, so the task is sent, not queued', async () => {
    // Its start-up outlasts the shell preset's stillness (500 ms, scaled): the box alone looks ready long before.
    const { tmux, paneId, record } = await start(3000 * scale);
    await deliverPrompt(tmux, paneId, TASK, shellPreset, {
      worker: 'slow',
      timeoutScale: scale,
      startedUp: async () => existsSync(`${record}.started`),
    });
    await waitFor(() => submits(record).length === 1, { what: 'one submission' });
    expect(submits(record)).toEqual([{ sent: true, length: TASK.length, with: 0 }]);
  });

  it(
    'pastes anyway, and says so, when the agent never says its start-up is over',
    async () => {
      const { tmux, paneId, record } = await start();
      const events: string[] = [];
      // The wait for the word ends with the wait for the box, and both grow with the machine's load (8x in CI, seen).
      await deliverPrompt(
        tmux,
        paneId,
        TASK,
        { ...shellPreset, readyTimeoutMs: 3_000 },
        {
          worker: 'silent',
          timeoutScale: scale,
          startedUp: async () => false,
          onEvent: (kind) => events.push(kind),
        },
      );
      expect(events).toContain('no_start_up_report');
      await waitFor(() => submits(record).length === 1, { what: 'one submission' });
    },
    60_000 * scale,
  );
});
