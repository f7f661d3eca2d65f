import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiFailureOnScreen } from '../../src/agents/hook-events.js';
import { presetFor } from '../../src/agents/index.js';
import { auggiePrompt, auggieSessionLines, auggieUsageParser } from '../../src/agents/auggie/transcripts.js';
import { auggieResume } from '../../src/agents/auggie/resume.js';
import { tallyAll } from '../../src/domain/usage/usage-tally.js';
import type { UsageLine } from '../../src/domain/usage/usage.js';

// Auggie 0.36.0 in a 120x40 pane (the API error at 160x45, a tool's approval at 200x50) against the scripted Augment
// backend: its screens, and a session document of one turn with two commands (three model calls).
const screen = (name: string): string =>
  readFileSync(new URL(`../fixtures/screens/auggie-${name}.txt`, import.meta.url), 'utf8');
const session = readFileSync(new URL('../fixtures/usage/auggie/session.json', import.meta.url), 'utf8');

const auggie = presetFor('auggie');
const SCREENS = [
  'welcome',
  'tips',
  'indexing',
  'ready',
  'pasted',
  'busy',
  'done',
  'api-error-400',
  'signed-out',
  'approval',
];
const dialogOf = (name: string): string[] =>
  auggie.dialogs.filter((dialog) => dialog.match.test(screen(name))).map((dialog) => dialog.id);

describe('auggie preset against real screens', () => {
  it('skips its welcome and tips with Esc, its indexing question with 4 (this session only), and is not ready behind them', () => {
    expect(dialogOf('welcome')).toEqual(['auggie-welcome']);
    expect(dialogOf('tips')).toEqual(['auggie-welcome']);
    expect(dialogOf('indexing')).toEqual(['auggie-indexing']);
    expect(auggie.dialogs.map((dialog) => dialog.keys)).toEqual([['Escape'], ['4']]);
    for (const name of ['ready', 'pasted', 'busy', 'done', 'api-error-400', 'signed-out', 'approval'])
      expect(dialogOf(name), name).toEqual([]);
    for (const name of ['welcome', 'tips', 'indexing', 'signed-out'])
      expect(auggie.isReady(screen(name)), name).toBe(false);
    expect(auggie.isReady(screen('ready'))).toBe(true);
  });

  it('reads its input box, and is busy only while its spinner says "esc to interrupt"', () => {
    expect(auggie.inputText?.(screen('ready'))).toBe('');
    expect(auggie.inputText?.(screen('pasted'))).toBe('Work.\nRUN: sleep 5\nSAY: Slept.');
    expect(SCREENS.filter((name) => auggie.isBusy(screen(name)))).toEqual(['busy']);
    // A `--permission <tool>:ask-user` rule's question waits for the person: "Tool Approval Required", "[A]llow [D]eny".
    expect(SCREENS.filter((name) => auggie.isWaiting(screen(name)))).toEqual(['approval']);
  });

  it('allows each of its acting tools by name in a box, one argument per rule', () => {
    expect(auggie.noApproval?.args).toContain('--permission=launch-process:allow');
    expect(auggie.noApproval?.args.every((arg) => /^--permission=[\w-]+:allow$/.test(arg))).toBe(true);
  });

  it('tells an API error by its line, and its signed-out screen as fatal', () => {
    expect(apiFailureOnScreen('auggie', screen('api-error-400'))).toEqual({
      kind: 'invalid_request',
      detail: 'API Error: "invalidArgument: HTTP error: 400 Bad Request"',
    });
    expect(SCREENS.filter((name) => apiFailureOnScreen('auggie', screen(name)) !== undefined)).toEqual([
      'api-error-400',
    ]);
    expect(SCREENS.filter((name) => auggie.fatal.some((fatal) => fatal.match.test(screen(name))))).toEqual([
      'signed-out',
    ]);
  });
});

describe('auggie records', () => {
  const lines = auggieSessionLines(session) ?? [];

  it('reads its session document as the session, the prompt as typed, and each model call', () => {
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      type: 'session',
      id: '8ebd4ee7-5a85-49c5-a877-3275ebc2194c',
      cwd: '/tmp/agprobe/repo',
    });
    expect(lines.flatMap((line) => auggiePrompt(line)?.text ?? [])).toEqual([
      'Write the greeting.\nRUN: echo hello > hello.txt && git add hello.txt && git commit -qm "add hello"\nRUN: sleep 4\nSAY: Finished.',
    ]);
    const parse = auggieUsageParser();
    const calls = lines.map((line) => parse(line)).filter((parsed): parsed is UsageLine => typeof parsed === 'object');
    expect(calls).toHaveLength(3);
    expect(tallyAll(calls)).toEqual({ input: 3600, output: 120, cacheWrite: 60, cacheRead: 900 });
    expect(auggieResume.identity('/tmp/agprobe/repo')(lines[0] ?? '')).toEqual({
      id: '8ebd4ee7-5a85-49c5-a877-3275ebc2194c',
      cwd: '/tmp/agprobe/repo',
    });
    expect(auggieResume.args('8ebd4ee7')).toEqual(['--resume', '8ebd4ee7']);
  });

  it('reads nothing of a document that is not whole, as while Auggie writes it', () => {
    expect(auggieSessionLines(session.slice(0, session.length / 2))).toBeUndefined();
    expect(auggieSessionLines('{}')).toBeUndefined();
  });
});
