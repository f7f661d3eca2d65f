import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderLive, type LiveState } from '../../src/sim/live-view.js';

const idle: LiveState = {
  mode: 'input',
  frame: 0,
  cwd: '/repo',
  trustChoice: 1,
  question: '',
  busy: undefined,
  input: 'hello',
  exitPending: false,
  queued: 0,
};

function shown(state: Partial<LiveState>, now = 0): string[] | undefined {
  return renderLive({ ...idle, ...state }, 60, now)?.map((line) => stripVTControlCharacters(line));
}

describe('sim live view', () => {
  it('draws nothing once the agent is hung or exited', () => {
    expect(shown({ mode: 'hung' })).toBeUndefined();
    expect(shown({ mode: 'exited' })).toBeUndefined();
  });

  it('shows the input box with its text and the shortcut hint', () => {
    const lines = shown({}) ?? [];
    expect(lines.some((line) => line.includes('› hello'))).toBe(true);
    expect(lines.at(-1)?.trim()).toBe('? for shortcuts');
  });

  it('puts the busy line with its verb and seconds above the input box while a turn runs', () => {
    const lines = shown({ busy: { verb: 'Editing', since: 1000 } }, 4500) ?? [];
    expect(lines[0]).toContain('Editing… (3s');
    expect(lines[0]).toContain('esc to interrupt');
  });

  it('says a second Ctrl-C exits, before it counts queued messages', () => {
    expect(shown({ queued: 2 })?.at(-1)?.trim()).toBe('2 messages queued · ? for shortcuts');
    expect(shown({ queued: 1 })?.at(-1)?.trim()).toBe('1 message queued · ? for shortcuts');
    expect(shown({ queued: 2, exitPending: true })?.at(-1)?.trim()).toBe('Press Ctrl-C again to exit');
  });

  it('shows the trust dialog and the permission question in their modes', () => {
    expect(shown({ mode: 'trust' })?.join('\n')).toContain('Do you trust the files in this folder?');
    expect(shown({ mode: 'ask', question: 'Run the tests?' })?.[0]).toContain('Run the tests? (y/n)');
  });
});
