import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stateForHook } from '../../src/agents/hook-events.js';
import { presetFor } from '../../src/agents/index.js';
import { copilotTranscripts, copilotUsageParser, copilotPrompt } from '../../src/agents/copilot/transcripts.js';
import { copilotResume } from '../../src/agents/copilot/resume.js';
import { tallyAll } from '../../src/domain/usage/usage-tally.js';
import type { UsageLine } from '../../src/domain/usage/usage.js';
import { pasteMarkers, showsPaste } from '../../src/delivery/delivery-steps.js';

// GitHub Copilot CLI 1.0.102 in a 120x40 pane against the scripted Chat Completions endpoint: its screens, the
// payloads its plugin hooks got, and a session's events.jsonl (the huge system prompt line left out).
const screen = (name: string): string =>
  readFileSync(new URL(`../fixtures/screens/copilot-${name}.txt`, import.meta.url), 'utf8');
const hook = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/hooks/copilot-${name}.json`, import.meta.url), 'utf8'));
const events = readFileSync(new URL('../fixtures/usage/copilot/events.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

const copilot = presetFor('copilot');
const ALL = [
  'trust',
  'ready',
  'pasted',
  'submitting',
  'permission',
  'busy',
  'done',
  'interrupt-once',
  'api-error-400',
  'signed-out',
];
const context = {
  worker: 'w1',
  settingsDir: '/state/agents/w1',
  czarCommand: ['/usr/bin/node', '/opt/czar dir/bin/czar'],
  worktree: '/wt/w1',
  cacheDir: '/home/p/.cache',
};

describe('copilot preset against real screens', () => {
  it('answers the folder trust box with "1" (this session only), and is not ready behind it', () => {
    expect(copilot.dialogs.filter((dialog) => dialog.match.test(screen('trust'))).map((d) => d.id)).toEqual([
      'copilot-trust',
    ]);
    expect(copilot.dialogs[0]?.keys).toEqual(['1']);
    for (const name of ALL.filter((name) => name !== 'trust'))
      expect(
        copilot.dialogs.some((dialog) => dialog.match.test(screen(name))),
        name,
      ).toBe(false);
    expect(copilot.isReady(screen('trust'))).toBe(false);
  });

  it('reads its input box between the rules, and is ready only with something drawn above it', () => {
    expect(copilot.inputText?.(screen('ready'))).toBe('');
    expect(copilot.inputText?.(screen('pasted'))).toBe('Write.\nRUN: sleep 3; echo three > three.txt\nSAY: written');
    expect(showsPaste(copilot.inputText?.(screen('pasted')) ?? '', pasteMarkers('Write.\nSAY: written'))).toBe(true);
    expect(copilot.inputText?.(screen('submitting'))).toBe('');
    for (const name of ['ready', 'pasted', 'done', 'api-error-400'])
      expect(copilot.isReady(screen(name)), name).toBe(true);
    expect(copilot.isReady(screen('permission'))).toBe(false);
    // Measured: the box is drawn on a blank screen before its start-up is over, and a paste then was lost.
    const lines = screen('ready').split('\n');
    const box = lines.findIndex((line) => line.startsWith('❯'));
    const starting = [...lines.slice(0, box - 2).map(() => ''), ...lines.slice(box - 2)].join('\n');
    expect(copilot.inputText?.(starting)).toBe('');
    expect(copilot.isReady(starting)).toBe(false);
  });

  it('is busy while its footer says "Working ... esc", waiting at the command prompt, and signed out is fatal', () => {
    const busy = ['submitting', 'busy', 'interrupt-once'];
    for (const name of ALL) expect(copilot.isBusy(screen(name)), name).toBe(busy.includes(name));
    for (const name of ALL) expect(copilot.isWaiting(screen(name)), name).toBe(name === 'permission');
    expect(copilot.fatal.filter((fatal) => fatal.match.test(screen('signed-out')))).toHaveLength(1);
    expect(copilot.fatal.some((fatal) => fatal.match.test(screen('ready')))).toBe(false);
    expect(copilot.interruptKeys).toEqual(['Escape', 'Escape']);
  });

  it('hooks come in a plugin of its own in the worker folder, and its binary unpacks into the shared cache', () => {
    const setup = copilot.setup(context);
    expect(setup.args).toEqual(['--plugin-dir', '/state/agents/w1/copilot-plugin']);
    expect(setup.files.map((file) => file.path)).toEqual([
      '/state/agents/w1/copilot-plugin/.plugin/plugin.json',
      '/state/agents/w1/copilot-plugin/hooks/hooks.json',
    ]);
    const hooks = JSON.parse(setup.files[1]?.content ?? '{}') as {
      version: number;
      hooks: Record<string, { type: string; bash: string; timeoutSec: number }[]>;
    };
    expect(hooks.version).toBe(1);
    expect(Object.keys(hooks.hooks)).toEqual(['userPromptSubmitted', 'agentStop', 'errorOccurred', 'notification']);
    expect(hooks.hooks.agentStop).toEqual([
      {
        type: 'command',
        bash: "cd /wt/w1 && /usr/bin/node '/opt/czar dir/bin/czar' report --hook agentStop",
        timeoutSec: 10,
      },
    ]);
    expect(setup.env).toEqual({
      CZAR_WORKER: 'w1',
      COPILOT_AUTO_UPDATE: 'false',
      COPILOT_CACHE_HOME: '/home/p/.cache/copilot',
    });
    // On an ssh host there is no cache folder of czar's to name: Copilot's own default serves.
    const { cacheDir: _cache, ...onHost } = context;
    expect(copilot.setup(onHost).env.COPILOT_CACHE_HOME).toBeUndefined();
  });
});

describe('copilot hooks', () => {
  it('opens a turn on userPromptSubmitted, ends it on agentStop, and waits on a permission notification', () => {
    expect(stateForHook('userPromptSubmitted', hook('userpromptsubmitted'))).toEqual({ state: 'working' });
    expect(stateForHook('agentStop', hook('agentstop'))).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('notification', hook('notification-permission_prompt'))).toEqual({
      state: 'waiting',
      note: 'permission requested: Run command: sleep 3; echo three > three.txt',
    });
    // Fired before every command, asked or not (under --yolo too), and at the first prompt: they say nothing.
    expect(stateForHook('permissionRequest', hook('permissionrequest'))).toBeUndefined();
    expect(stateForHook('sessionStart', hook('sessionstart'))).toBeUndefined();
  });

  it('reads a refused model call from errorOccurred, which no agentStop follows, as a failed turn', () => {
    expect(stateForHook('errorOccurred', hook('erroroccurred-400'))).toEqual({
      state: 'idle',
      turnEnd: true,
      note: 'turn failed',
      failure: { kind: 'invalid_request', detail: 'scripted refusal: no such model' },
    });
    expect(stateForHook('errorOccurred', { errorContext: 'tool_execution', error: { message: 'x' } })).toBeUndefined();
  });
});

describe('copilot records', () => {
  it("counts each session.usage_record once, the provider's cached tokens taken out of its input", () => {
    const parse = copilotUsageParser();
    const usage = events.map((line) => parse(line)).filter((line): line is UsageLine => typeof line === 'object');
    expect(usage).toHaveLength(4);
    expect(usage.every((line) => line.kind === 'call' && line.model === 'fake-model')).toBe(true);
    expect(tallyAll(usage)).toEqual({ input: 4 * 900, output: 4 * 40, cacheWrite: 0, cacheRead: 4 * 300 });
  });

  it('reads the prompts as typed, and the session id and folder from its first event', () => {
    const prompts = events.flatMap((line) => copilotPrompt(line)?.text ?? []);
    expect(prompts[1]).toBe('Refuse.\nFAIL: 400 scripted refusal: no such model');
    expect(prompts).toHaveLength(3);
    expect(events.map(copilotResume.identity('/x')).filter(Boolean)).toEqual([
      { id: 'f06e9357-2206-4832-999e-c99be1eaea47', cwd: '/tmp/agprobe/repo' },
    ]);
    expect(copilotResume.args('f06e9357')).toEqual(['--resume=f06e9357']);
  });

  it('looks for them in COPILOT_HOME, else ~/.copilot', () => {
    const places = (env: Record<string, string>): unknown =>
      copilotTranscripts({ worktree: '/w', env, transcripts: [] }).places;
    expect(places({ HOME: '/h' })).toEqual({
      kind: 'sessions',
      sessionsDir: '/h/.copilot/session-state',
      file: 'events.jsonl',
      cwd: '/w',
    });
    expect(places({ HOME: '/h', COPILOT_HOME: '/c' })).toMatchObject({ sessionsDir: '/c/session-state' });
  });
});
