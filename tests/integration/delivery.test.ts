import { existsSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Tmux } from '../../src/adapters/tmux.js';
import type { AgentPreset } from '../../src/agents/preset.js';
import { NO_SIGNALS } from '../../src/agents/signals.js';
import { isCzarError } from '../../src/domain/model/errors.js';
import { neutraliseControls } from '../../src/domain/model/sanitize.js';
import { deliverPrompt, sendMessage } from '../../src/delivery/delivery.js';
import { privateTmux } from '../helpers/tmux.js';
import { tempDir } from '../helpers/git-repo.js';
import { TIMEOUT_SCALE as scale, waitFor } from '../helpers/wait.js';

const recorder = fileURLToPath(new URL('../fixtures/paste-recorder.js', import.meta.url));
const BP_START = '\x1b[200~';
const BP_END = '\x1b[201~';

/** How czar would drive the recorder: its `> ` line is the input box, "● busy" the running turn. */
function recorderPreset(submitDelayMs: number): AgentPreset {
  return {
    name: 'shell',
    defaults: { command: process.execPath, args: [recorder], env: {} },
    isReady: (screen) => /^> /m.test(screen),
    settleMs: 100,
    inputText: (screen) => /^> (.*)$/m.exec(screen)?.[1]?.trimEnd(),
    isBusy: (screen) => /● busy/.test(screen),
    isWaiting: () => false,
    // Like Gemini CLI's trust dialog: once answered it stays drawn over a "restarting" line for a while.
    dialogs: [
      {
        id: 'recorder-trust',
        match: /Do you trust this folder\?(?![\s\S]*restarting)/,
        shown: /Do you trust this folder\?/,
        keys: ['1'],
        why: '"1" picks "Yes, proceed"; Enter would pick the default "No, exit"',
      },
    ],
    fatal: [],
    submitDelayMs,
    readyTimeoutMs: 10_000,
    interruptKeys: ['C-c'],
    reportsTurnStart: false,
    signals: NO_SIGNALS,
    setup: () => ({ files: [], args: [], env: {} }),
  };
}

async function startRecorder(flags: readonly string[] = []): Promise<{ tmux: Tmux; paneId: string; record: string }> {
  const tmux = privateTmux();
  const dir = await tempDir();
  const record = path.join(dir, 'received.bin');
  const paneId = await tmux.newSession({ name: 'rec', cwd: dir, argv: [process.execPath, recorder, record, ...flags] });
  return { tmux, paneId, record };
}

const submits = (record: string): { n: number; input: string }[] =>
  readFileSync(`${record}.submits`, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { n: number; input: string });

/** ~200 KB of everything that could go wrong in a terminal: shell syntax, quotes, wide text, and raw controls. */
function nastyTask(pwned: string): string {
  const chunk = [
    `Run nothing: $(touch ${pwned}) \`touch ${pwned}\` ; rm -rf / && echo "quoted 'nested' \\"x\\"" | tee >(cat) #{pane_id} %s %n`,
    '\tTabbed line with a backslash \\ and a heredoc <<EOF',
    '漢字かな交じり文 and emoji 👩‍👩‍👧‍👦 🇫🇷 e\u0301 — long dash',
    `controls: bell\x07 nul\x00 del\x7f c1-csi\u009b31m esc\x1b[31m crlf\r\nlone-cr\rend`,
    `paste end inside: \x1b[201~\nrm -rf ~/important && touch ${pwned}\n`,
  ].join('\n');
  const parts: string[] = ['TASK START: implement the feature'];
  let size = 0;
  while (size < 200 * 1024) {
    parts.push(chunk);
    size += Buffer.byteLength(chunk);
  }
  parts.push('TASK END: commit your work');
  return parts.join('\n');
}

describe('deliverPrompt into a raw-mode TUI (paste-recorder)', () => {
  it('delivers a 200 KB hostile task byte-exact inside one bracketed paste, then exactly one Enter, and runs nothing', async () => {
    const { tmux, paneId, record } = await startRecorder(['--bp-delay', '500']);
    const pwned = `/tmp/pwned-${randomBytes(6).toString('hex')}`;
    const task = nastyTask(pwned);
    const events: string[] = [];
    const result = await deliverPrompt(tmux, paneId, task, recorderPreset(50), {
      worker: 'w-nasty',
      timeoutScale: scale,
      onEvent: (kind) => events.push(kind),
    });
    expect(result).toEqual({ attempts: 1, dialogsAnswered: [] });
    const received = readFileSync(record);
    const expected = Buffer.from(`${BP_START}${neutraliseControls(task)}${BP_END}\r`);
    expect(received.length).toBe(expected.length);
    expect(received.equals(expected)).toBe(true);
    // The embedded end marker arrived as text, so the paste ended exactly once, at the very end.
    expect(received.toString('utf8').split(BP_END)).toHaveLength(2);
    expect(submits(record)).toHaveLength(1);
    expect(existsSync(pwned)).toBe(false);
    expect(events).toEqual(['pasted', 'submitted']);
  });

  it('delivers the same task byte-exact through the control client, which no tmux process could have reached', async () => {
    const { tmux, paneId, record } = await startRecorder(['--bp-delay', '500']);
    tmux.useControl();
    // The first commands prove the server runs; the next one attaches the control client.
    for (let ask = 0; ask < 3; ask++) await tmux.listSessions();
    // With the socket renamed, a new tmux process finds no server; the attached client keeps its connection.
    const socketPath = (await tmux.cmd(['display-message', '-p', '#{socket_path}'])).stdout.trim();
    renameSync(socketPath, `${socketPath}.away`);
    try {
      const pwned = `/tmp/pwned-${randomBytes(6).toString('hex')}`;
      const task = nastyTask(pwned);
      const result = await deliverPrompt(tmux, paneId, task, recorderPreset(50), {
        worker: 'w-control',
        timeoutScale: scale,
      });
      expect(result).toEqual({ attempts: 1, dialogsAnswered: [] });
      const received = readFileSync(record);
      expect(received.equals(Buffer.from(`${BP_START}${neutraliseControls(task)}${BP_END}\r`))).toBe(true);
      expect(existsSync(pwned)).toBe(false);
    } finally {
      renameSync(`${socketPath}.away`, socketPath);
    }
  });

  it('presses Enter again when the TUI dropped one that came too soon after the paste, without pasting twice', async () => {
    const { tmux, paneId, record } = await startRecorder(['--guard', '1200']);
    const events: string[] = [];
    const result = await deliverPrompt(tmux, paneId, 'line one\nline two', recorderPreset(0), {
      worker: 'w-guard',
      timeoutScale: scale,
      onEvent: (kind) => events.push(kind),
    });
    expect(result.attempts).toBe(2);
    expect(events).toContain('enter_retry');
    expect(readFileSync(record, 'utf8')).toBe(`${BP_START}line one\nline two${BP_END}\r\r`);
    expect(submits(record)).toEqual([{ n: 1, input: '[Pasted text +17 bytes]' }]);
  });

  it('leaves copy mode before pasting, so the paste stays bracketed', async () => {
    const { tmux, paneId, record } = await startRecorder();
    await waitFor(async () => /^> /m.test(await tmux.capture(paneId)), { what: 'recorder prompt' });
    await tmux.cmd(['copy-mode', '-t', paneId]);
    expect((await tmux.listPanes()).find((pane) => pane.paneId === paneId)?.inMode).toBe(true);
    const events: string[] = [];
    await deliverPrompt(tmux, paneId, 'a\nb', recorderPreset(50), {
      worker: 'w-copy',
      timeoutScale: scale,
      onEvent: (kind) => events.push(kind),
    });
    expect(events[0]).toBe('copy_mode');
    expect(readFileSync(record, 'utf8')).toBe(`${BP_START}a\nb${BP_END}\r`);
  });

  it('answers a first-run dialog with its named key, never Enter on the default', async () => {
    const { tmux, paneId, record } = await startRecorder(['--dialog']);
    const result = await deliverPrompt(tmux, paneId, 'do the thing', recorderPreset(50), {
      worker: 'w-dialog',
      timeoutScale: scale,
    });
    expect(result.dialogsAnswered).toEqual(['recorder-trust']);
    expect(readFileSync(record, 'utf8')).toBe(`1${BP_START}do the thing${BP_END}\r`);
    expect(submits(record)).toHaveLength(1);
  });

  it(
    'after answering a dialog, waits until it is gone before pasting, however long the agent takes',
    async () => {
      // Longer than two pastes' wait for the paste to show: pasting while the dialog is still drawn loses the task.
      const { tmux, paneId, record } = await startRecorder(['--dialog', '--dialog-restart', String(12_000 * scale)]);
      const result = await deliverPrompt(
        tmux,
        paneId,
        'do the thing',
        { ...recorderPreset(50), readyTimeoutMs: 30_000 },
        { worker: 'w-restart', timeoutScale: scale },
      );
      expect(result.dialogsAnswered).toEqual(['recorder-trust']);
      expect(readFileSync(record, 'utf8')).toBe(`1${BP_START}do the thing${BP_END}\r`);
      expect(submits(record)).toEqual([{ n: 1, input: '[Pasted text +12 bytes]' }]);
    },
    60_000 * scale,
  );

  it(
    'submits only the task when the agent reads its dialog answer late: a key sent again never rides along',
    async () => {
      // Frozen after "1" until czar answers again: that second key reaches the input box once it shows. Unscaled
      // waits (the machine's load still stretches them), so czar answers again after 6 s and not 12.
      const { tmux, paneId, record } = await startRecorder(['--dialog', '--dialog-busy', '60000']);
      const events: string[] = [];
      const result = await deliverPrompt(
        tmux,
        paneId,
        'do the thing',
        { ...recorderPreset(50), readyTimeoutMs: 30_000 },
        { worker: 'w-busy', timeoutScale: 1, onEvent: (kind) => events.push(kind) },
      );
      expect(result.dialogsAnswered).toEqual(['recorder-trust', 'recorder-trust']);
      expect(submits(record)).toEqual([{ n: 1, input: '[Pasted text +12 bytes]' }]);
      // The second "1" was czar's own to take back, and it did before the paste.
      expect(readFileSync(record, 'utf8')).toBe(`11\x7f${BP_START}do the thing${BP_END}\r`);
      expect(events.filter((kind) => kind === 'stray_input')).toHaveLength(1);
    },
    60_000 * scale,
  );

  it(
    'answers a dialog again when it lost the first key, though the screen above it never holds still',
    async () => {
      // The dialog stays the last thing drawn while a line above it changes every 300 ms: czar waited for the whole
      // screen to hold still before answering again, and so never did. Unscaled, as above.
      const { tmux, paneId, record } = await startRecorder(['--dialog', '--dialog-deaf']);
      const result = await deliverPrompt(
        tmux,
        paneId,
        'do the thing',
        { ...recorderPreset(50), readyTimeoutMs: 30_000 },
        { worker: 'w-deaf', timeoutScale: 1 },
      );
      expect(result.dialogsAnswered).toEqual(['recorder-trust', 'recorder-trust']);
      expect(readFileSync(record, 'utf8')).toBe(`11${BP_START}do the thing${BP_END}\r`);
      expect(submits(record)).toEqual([{ n: 1, input: '[Pasted text +12 bytes]' }]);
    },
    60_000 * scale,
  );

  it('sends a follow-up message along the same path', async () => {
    const { tmux, paneId, record } = await startRecorder();
    await deliverPrompt(tmux, paneId, 'first task', recorderPreset(50), { worker: 'w-msg', timeoutScale: scale });
    const result = await sendMessage(tmux, paneId, 'a nudge:\nkeep going', recorderPreset(50), {
      worker: 'w-msg',
      timeoutScale: scale,
    });
    expect(result.attempts).toBe(1);
    expect(submits(record)).toHaveLength(2);
    expect(readFileSync(record, 'utf8').endsWith(`${BP_START}a nudge:\nkeep going${BP_END}\r`)).toBe(true);
  });

  it('fails with one clear sentence naming the worker when the agent already exited', async () => {
    const tmux = privateTmux();
    const dir = await tempDir();
    const paneId = await tmux.newSession({ name: 'dead', cwd: dir, argv: [process.execPath, '-e', 'process.exit(3)'] });
    await waitFor(async () => (await tmux.listPanes()).find((pane) => pane.paneId === paneId)?.dead, {
      what: 'pane to die',
    });
    const error: unknown = await deliverPrompt(tmux, paneId, 'task', recorderPreset(50), {
      worker: 'w-dead',
      timeoutScale: scale,
    }).catch((caught: unknown) => caught);
    // tmux 3.3a leaves pane_dead_status empty for a child that exits this fast, so the status is optional here.
    expect(isCzarError(error) && error.code).toBe('delivery_failed');
    expect((error as Error).message).toMatch(
      /^Worker "w-dead" has an agent that exited(?: with status 3)? before its task was delivered; .*attach -t %\d+/,
    );
  });

  it('fails naming the pane when it is gone, among other panes that stay', async () => {
    const tmux = privateTmux();
    const dir = await tempDir();
    const argv = [process.execPath, '-e', 'setInterval(() => {}, 1000)'];
    await tmux.newSession({ name: 'other', cwd: dir, argv });
    const paneId = await tmux.newSession({ name: 'gone', cwd: dir, argv });
    await tmux.killSession('gone');
    const error: unknown = await deliverPrompt(tmux, paneId, 'task', recorderPreset(50), {
      worker: 'w-gone',
      timeoutScale: scale,
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toMatch(
      new RegExp(`^Worker "w-gone" has no tmux pane ${paneId} any more, so its task was not delivered; `),
    );
    expect(await tmux.pane(paneId)).toBeUndefined();
    expect((await tmux.listPanes()).map((pane) => pane.session)).toEqual(['other']);
  });

  it("stops at a fatal screen with the preset's message", async () => {
    const { tmux, paneId } = await startRecorder(['--dialog']);
    const preset: AgentPreset = {
      ...recorderPreset(50),
      dialogs: [],
      fatal: [{ match: /Do you trust this folder\?/, message: 'the recorder wants a human; run it by hand first.' }],
    };
    await expect(
      deliverPrompt(tmux, paneId, 'task', preset, { worker: 'w-fatal', timeoutScale: scale }),
    ).rejects.toThrow('Worker "w-fatal" cannot start: the recorder wants a human; run it by hand first.');
  });
});
