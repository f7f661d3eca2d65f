import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stateForHook } from '../../src/agents/hook-events.js';

describe('stateForHook', () => {
  it('maps prompt submission to working (Claude, Gemini)', () => {
    expect(stateForHook('UserPromptSubmit', { prompt: 'x' })).toEqual({ state: 'working' });
    expect(stateForHook('BeforeAgent', {})).toEqual({ state: 'working' });
  });

  it('maps turn ends and session start to idle (Claude, Gemini, Codex notify); only turn ends are marked so', () => {
    expect(stateForHook('Stop', { stop_hook_active: false })).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('AfterAgent', {})).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('SessionStart', { source: 'startup' })).toEqual({ state: 'idle' });
    expect(stateForHook('agent-turn-complete', { type: 'agent-turn-complete', 'turn-id': '1' })).toEqual({
      state: 'idle',
      turnEnd: true,
    });
  });

  it('ignores a Codex notify payload of another type', () => {
    expect(stateForHook('agent-turn-complete', { type: 'something-new' })).toBeUndefined();
  });

  it('maps permission notifications and requests to waiting with a note', () => {
    expect(
      stateForHook('Notification', {
        notification_type: 'permission_prompt',
        message: 'Claude needs your permission to use Bash',
      }),
    ).toEqual({ state: 'waiting', note: 'permission prompt: Claude needs your permission to use Bash' });
    expect(stateForHook('Notification', { notification_type: 'elicitation_dialog' })?.state).toBe('waiting');
    expect(stateForHook('Notification', { notification_type: 'ToolPermission' })?.state).toBe('waiting');
    expect(stateForHook('PermissionRequest', { tool_name: 'Bash' })).toEqual({
      state: 'waiting',
      note: 'permission requested: Bash',
    });
  });

  it('ignores other notifications (idle_prompt, auth_success) so they do not flip the state', () => {
    expect(stateForHook('Notification', { notification_type: 'idle_prompt' })).toBeUndefined();
    expect(stateForHook('Notification', {})).toBeUndefined();
  });

  it("maps StopFailure to an idle turn end carrying the failure, with the agent's message as the note", () => {
    expect(
      stateForHook('StopFailure', {
        error: 'rate_limit',
        last_assistant_message: 'API Error: Request rejected (429) · slow down',
      }),
    ).toEqual({
      state: 'idle',
      turnEnd: true,
      note: 'turn failed: API Error: Request rejected (429) · slow down',
      failure: { kind: 'rate_limit', detail: 'API Error: Request rejected (429) · slow down' },
    });
    expect(stateForHook('StopFailure', {})).toEqual({
      state: 'idle',
      turnEnd: true,
      note: 'turn failed',
      failure: { kind: 'unknown', detail: '' },
    });
  });

  it('caps long notes and survives odd payloads', () => {
    const note = stateForHook('StopFailure', { error: 'x'.repeat(5000) })?.note ?? '';
    expect(note.length).toBeLessThanOrEqual(300);
    expect(stateForHook('Stop', null)).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('Notification', 'not json')).toBeUndefined();
  });

  it("maps the end of a pi run to a turn end, with the failure when czar's extension says it ended on an error", () => {
    expect(stateForHook('pi-agent-start', {})).toEqual({ state: 'working' });
    expect(stateForHook('pi-agent-end', { stop_reason: 'stop' })).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('pi-agent-end', { stop_reason: 'error', error_message: '429 slow down' })).toEqual({
      state: 'idle',
      turnEnd: true,
      note: 'turn failed: 429 slow down',
      failure: { kind: 'rate_limit', detail: '429 slow down' },
    });
  });

  it("maps OpenCode's turns as czar's plugin reports them, with the failure a turn ended on", () => {
    const hook = (name: string): unknown =>
      JSON.parse(readFileSync(new URL(`../fixtures/hooks/${name}.json`, import.meta.url), 'utf8'));
    expect(stateForHook('opencode-busy', hook('opencode-busy'))).toEqual({ state: 'working' });
    expect(stateForHook('opencode-retry', hook('opencode-retry'))).toEqual({
      state: 'working',
      note: 'retrying: scripted boom',
    });
    expect(stateForHook('opencode-permission', hook('opencode-permission'))).toEqual({
      state: 'waiting',
      note: 'permission requested: echo again > again.txt && git add again.txt && git commit -qm "add again"',
    });
    expect(stateForHook('opencode-permission-replied', hook('opencode-permission-replied'))).toEqual({
      state: 'working',
    });
    expect(stateForHook('opencode-idle', hook('opencode-idle'))).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('opencode-idle', hook('opencode-idle-aborted'))).toEqual({
      state: 'idle',
      turnEnd: true,
      note: 'interrupted',
    });
    expect(stateForHook('opencode-idle', hook('opencode-idle-api-error-400'))).toEqual({
      state: 'idle',
      turnEnd: true,
      note: 'turn failed: 400 scripted refusal: no such model',
      failure: { kind: 'invalid_request', detail: '400 scripted refusal: no such model' },
    });
  });

  it("reads an OpenCode failure by its status, else by OpenCode's error name and words", () => {
    const failed = (payload: Record<string, unknown>): unknown =>
      stateForHook('opencode-idle', { stop_reason: 'error', ...payload })?.failure;
    expect(failed({ error_status: 429, error_message: '429 slow down' })).toEqual({
      kind: 'rate_limit',
      detail: '429 slow down',
    });
    expect(failed({ error_status: 503, error_message: '503 busy' })).toMatchObject({ kind: 'overloaded' });
    expect(failed({ error_name: 'ProviderAuthError', error_message: 'no key' })).toMatchObject({ kind: 'auth' });
    expect(failed({ error_status: 'x', error_message: 'boom', error_body: '{"type":"server_error"}' })).toMatchObject({
      kind: 'server_error',
    });
    expect(failed({})).toEqual({ kind: 'unknown', detail: 'unknown error' });
  });

  it('says nothing for SessionEnd and unknown events', () => {
    expect(stateForHook('SessionEnd', { reason: 'other' })).toBeUndefined();
    expect(stateForHook('PreToolUse', {})).toBeUndefined();
  });
});
