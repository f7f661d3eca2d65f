import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bracketedPasteProbe } from '../../src/adapters/pane-log.js';
import { shellPreset } from '../../src/agents/shell/preset.js';
import { deliverPrompt } from '../../src/delivery/delivery.js';
import { tempDir } from '../helpers/git-repo.js';
import { privateTmux } from '../helpers/tmux.js';
import { TIMEOUT_SCALE as scale, waitFor } from '../helpers/wait.js';

const fixture = fileURLToPath(new URL('../fixtures/late-bracketed-paste.js', import.meta.url));

/** The fixture in a pane whose output is logged from its first byte, as czar starts every worker. */
async function start(
  flags: readonly string[] = [],
): Promise<{ tmux: ReturnType<typeof privateTmux>; paneId: string; record: string; log: string }> {
  const tmux = privateTmux();
  const dir = await tempDir();
  const record = path.join(dir, 'received');
  const log = path.join(dir, 'pane.log');
  const paneId = await tmux.newSession({
    name: 'tui',
    cwd: dir,
    argv: [process.execPath, fixture, record, ...flags],
    logFile: log,
  });
  return { tmux, paneId, record, log };
}

const submits = (record: string): { n: number; length: number }[] =>
  readFileSync(`${record}.submits`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { n: number; length: number });

const task = Array.from({ length: 400 }, (_, i) => `line ${i + 1} of the task: do the next small thing`).join('\n');

describe('delivery into a TUI that turns bracketed paste on late', () => {
  it('waits for bracketed paste, so a 400-line task is exactly one submission', async () => {
    // It loads longer than the shell preset's settle time (500 ms, scaled like every wait): a still banner looks ready.
    const { tmux, paneId, record, log } = await start(['--load', String(1500 * scale)]);
    const result = await deliverPrompt(tmux, paneId, task, shellPreset, {
      worker: 'late',
      timeoutScale: scale,
      bracketedPaste: bracketedPasteProbe(log),
    });
    expect(result.attempts).toBe(1);
    // Everything pasted was read (the text and the Enter, with or without paste markers) before counting.
    await waitFor(() => Number(readFileSync(`${record}.bytes`, 'utf8')) >= Buffer.byteLength(task) + 1, {
      what: 'the whole paste read',
    });
    const got = submits(record);
    expect(got).toHaveLength(1);
    expect(got[0]?.length).toBe(task.length);
  });

  it('refuses, with a clear error, to paste many lines into a program that never turns bracketed paste on', async () => {
    const { tmux, paneId, record, log } = await start(['--never', '--load', '200']);
    const error: unknown = await deliverPrompt(
      tmux,
      paneId,
      task,
      { ...shellPreset, readyTimeoutMs: 3_000 },
      { worker: 'plain', timeoutScale: scale, bracketedPaste: bracketedPasteProbe(log) },
    ).catch((caught: unknown) => caught);
    expect(String(error)).toMatch(
      /Worker "plain" never turned on bracketed paste .* 400-line message would arrive as separate submissions/,
    );
    expect(submits(record)).toEqual([]);
  });

  it('still delivers a one-line message to such a program: one line cannot be split', async () => {
    const { tmux, paneId, record, log } = await start(['--never', '--load', '200']);
    await deliverPrompt(tmux, paneId, 'one line only', shellPreset, {
      worker: 'plain',
      timeoutScale: scale,
      bracketedPaste: bracketedPasteProbe(log),
    });
    await waitFor(() => submits(record).length === 1, { what: 'one submission' });
    expect(submits(record)).toEqual([{ n: 1, input: 'one line only', length: 13 }]);
  });
});
