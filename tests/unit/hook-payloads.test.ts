import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stateForHook } from '../../src/agents/hook-events.js';

// Hook payloads recorded from the real CLIs working offline against the scripted endpoint (Claude Code 2.1.197,
// Gemini CLI 0.61.0, Codex 0.169.0 notify), temp paths scrubbed: each must map to what the agent was doing.
const hook = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/hooks/${name}.json`, import.meta.url), 'utf8'));

describe('recorded hook payloads of a normal turn', () => {
  it('Claude Code: session start is idle, a prompt is working, the turn end is idle and marked as one', () => {
    expect(stateForHook('SessionStart', hook('claude-sessionstart'))).toEqual({ state: 'idle' });
    expect(stateForHook('UserPromptSubmit', hook('claude-userpromptsubmit'))).toEqual({ state: 'working' });
    expect(stateForHook('Stop', hook('claude-stop'))).toEqual({ state: 'idle', turnEnd: true });
  });

  it('Claude Code: a tool it may not use is waiting, named by the permission request', () => {
    expect(stateForHook('PermissionRequest', hook('claude-permissionrequest-write'))).toMatchObject({
      state: 'waiting',
      note: 'permission requested: Write',
    });
    expect(stateForHook('Notification', hook('claude-notification-permission_prompt'))).toMatchObject({
      state: 'waiting',
      note: 'permission prompt: Claude needs your permission',
    });
  });

  it('Claude Code: an HTTP 500 ends the turn as a server error that passes on its own', () => {
    expect(stateForHook('StopFailure', hook('claude-stopfailure-500-server_error'))).toMatchObject({
      state: 'idle',
      turnEnd: true,
      failure: { kind: 'server_error' },
    });
  });

  it('Gemini CLI: start, prompt and turn end; a 403 is a plain turn end (the failure is on its screen only)', () => {
    expect(stateForHook('SessionStart', hook('gemini-sessionstart'))).toEqual({ state: 'idle' });
    expect(stateForHook('BeforeAgent', hook('gemini-beforeagent'))).toEqual({ state: 'working' });
    expect(stateForHook('AfterAgent', hook('gemini-afteragent'))).toEqual({ state: 'idle', turnEnd: true });
    expect(stateForHook('AfterAgent', hook('gemini-afteragent-api-error-403'))).toEqual({
      state: 'idle',
      turnEnd: true,
    });
  });

  it('Codex notify: the turn end, and the one its title request fires at the start of a turn, look alike', () => {
    // Both are agent-turn-complete; only input-messages tell the title request apart. The pane (busy) carries the
    // turn meanwhile: tests/integration/real-agents-codex.test.ts has a turn that outlasts idle_after un-nudged.
    expect(stateForHook('agent-turn-complete', hook('codex-agent-turn-complete'))).toEqual({
      state: 'idle',
      turnEnd: true,
    });
    expect(stateForHook('agent-turn-complete', hook('codex-agent-turn-complete-title'))).toEqual({
      state: 'idle',
      turnEnd: true,
    });
  });
});
