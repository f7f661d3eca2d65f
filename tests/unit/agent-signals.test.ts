import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudeStopFailure, kindOfText } from '../../src/agents/api-errors.js';
import { apiFailureOnScreen, stateForHook } from '../../src/agents/hook-events.js';
import { presetFor } from '../../src/agents/index.js';
import { PRESET_NAMES } from '../../src/domain/model/config-types.js';

/** Payloads and screens recorded from the real CLIs (Claude Code 2.1.197, Gemini CLI 0.61, Codex 0.169). */
const hook = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/hooks/${name}.json`, import.meta.url), 'utf8'));
const screen = (name: string): string =>
  readFileSync(new URL(`../fixtures/screens/${name}.txt`, import.meta.url), 'utf8');

describe('the signal rows the real agents produce', () => {
  it("reads Claude Code's StopFailure payloads as the failure each HTTP status was", () => {
    const cases = [
      ['claude-stopfailure-400-unknown', 'invalid_request', 'API Error: 400 scripted failure 400'],
      [
        'claude-stopfailure-401-authentication_failed',
        'auth',
        'Please run /login · API Error: 401 scripted failure 401',
      ],
      ['claude-stopfailure-429-rate_limit', 'rate_limit', 'API Error: Request rejected (429) · scripted failure 429'],
      ['claude-stopfailure-529-server_error', 'overloaded', 'API Error: 529 scripted failure 529.'],
    ] as const;
    for (const [fixture, kind, text] of cases) {
      const mapped = stateForHook('StopFailure', hook(fixture));
      expect(mapped, fixture).toMatchObject({ state: 'idle', turnEnd: true, failure: { kind } });
      expect(mapped?.failure?.detail, fixture).toContain(text);
    }
  });

  it("reads Gemini CLI's AfterAgent after a failed turn as a plain turn end: the failure is on its screen", () => {
    expect(stateForHook('AfterAgent', hook('gemini-afteragent-api-error-400'))).toEqual({
      state: 'idle',
      turnEnd: true,
    });
    expect(apiFailureOnScreen('gemini', screen('gemini-api-error-400'))).toEqual({
      kind: 'invalid_request',
      detail: '{"error":{"code":400,"message":"scripted failure 400","status":"INVALID_ARGUMENT"}}',
    });
  });

  it('finds the API error line of the CLIs whose hooks do not report failures, and none on their ready or busy screens', () => {
    expect(apiFailureOnScreen('codex', screen('codex-api-error-400'))?.kind).toBe('invalid_request');
    for (const [preset, name] of [
      ['gemini', 'gemini-ready'],
      ['gemini', 'gemini-busy'],
      ['codex', 'codex-splash'],
    ] as const) {
      expect(apiFailureOnScreen(preset, screen(name)), name).toBeUndefined();
    }
  });

  it("reads Claude Code's failures from its StopFailure hook only, not from an error line that may be old", () => {
    for (const status of [400, 401, 429, 529])
      expect(apiFailureOnScreen('claude', screen(`claude-api-error-${status}`))).toBeUndefined();
  });

  it("ignores an error line that the agent's later output pushed up the screen", () => {
    const later = Array.from({ length: 15 }, (_, i) => `✦ step ${i}`).join('\n');
    expect(
      apiFailureOnScreen('gemini', `✕ [API Error: {"error":{"code":400}}]\n${later}\n >   Type your message\n`),
    ).toBeUndefined();
    expect(apiFailureOnScreen('gemini', `✕ [API Error: {"error":{"code":400}}]\n >   Type your message\n`)?.kind).toBe(
      'invalid_request',
    );
  });

  it('maps the turn events of each agent, and Codex notify by its payload type', () => {
    expect(stateForHook('UserPromptSubmit', { prompt: 'x' })).toEqual({ state: 'working' });
    expect(stateForHook('BeforeAgent', {})).toEqual({ state: 'working' });
    expect(stateForHook('agent-turn-complete', { type: 'agent-turn-complete' })).toEqual({
      state: 'idle',
      turnEnd: true,
    });
    expect(stateForHook('agent-turn-complete', {})).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('agent-turn-complete', { type: 'approval-requested' })).toBeUndefined();
  });

  it('has a table for every preset, and every hook event a preset installs has a row', () => {
    for (const preset of PRESET_NAMES) expect(presetFor(preset).signals.hooks).toBeInstanceOf(Array);
    const rows = (preset: 'claude' | 'gemini'): string[] => presetFor(preset).signals.hooks.map((row) => row.event);
    expect(rows('claude')).toEqual(
      expect.arrayContaining([
        'SessionStart',
        'UserPromptSubmit',
        'Stop',
        'StopFailure',
        'Notification',
        'PermissionRequest',
        'SessionEnd',
      ]),
    );
    expect(rows('gemini')).toEqual(
      expect.arrayContaining(['SessionStart', 'BeforeAgent', 'AfterAgent', 'Notification', 'SessionEnd']),
    );
  });
});

describe('API error text', () => {
  it("takes the HTTP status first, then the API's error type words", () => {
    expect(kindOfText('API Error: 402 your credit balance is too low')).toBe('billing');
    expect(kindOfText('{"error":{"type":"overloaded_error"}}')).toBe('overloaded');
    expect(kindOfText('{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}')).toBe('rate_limit');
    expect(kindOfText('something else went wrong')).toBeUndefined();
  });

  it("bounds the agent's text to one line and makes its control characters visible", () => {
    const failure = claudeStopFailure('unknown', `API Error: 400 \u001b[31mred\u001b[0m\n${'x'.repeat(1000)}`);
    expect(failure.kind).toBe('invalid_request');
    expect(failure.detail).not.toContain('\u001b');
    expect(failure.detail).not.toContain('\n');
    expect(failure.detail).toContain('\u241b[31mred');
    expect(failure.detail.length).toBeLessThanOrEqual(300);
  });
});
