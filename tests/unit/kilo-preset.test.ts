import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { presetFor } from '../../src/agents/index.js';

// Kilo 7.7.7, an OpenCode fork, in a 160x45 pane after a turn: the same box, status line and sidebar as OpenCode's.
const screen = (name: string): string =>
  readFileSync(new URL(`../fixtures/screens/${name}.txt`, import.meta.url), 'utf8');

const kilo = presetFor('kilo');
const opencode = presetFor('opencode');
const context = {
  worker: 'w1',
  settingsDir: '/state/agents/w1',
  czarCommand: ['/usr/bin/node', '/opt/czar dir/bin/czar'],
  worktree: '/wt/w1',
};

describe('kilo preset', () => {
  it("reads its screens as OpenCode's: ready with an empty box after a turn, not busy, not waiting", () => {
    expect(kilo.inputText?.(screen('kilo-idle'))).toBe('');
    expect(kilo.isReady(screen('kilo-idle'))).toBe(true);
    expect(kilo.isBusy(screen('kilo-idle'))).toBe(false);
    expect(kilo.isWaiting(screen('kilo-idle'))).toBe(false);
    // Its start screen's placeholder is "Ask anything..." where OpenCode's is "Ask anything…".
    const start = screen('opencode-ready').replace('Ask anything…', 'Ask anything...');
    expect(kilo.inputText?.(start)).toBe('');
  });

  it('is waiting when a slow turn stops at its question about snapshots', () => {
    expect(kilo.isWaiting(screen('kilo-snapshot-slow'))).toBe(true);
    expect(kilo.isReady(screen('kilo-snapshot-slow'))).toBe(false);
  });

  it("loads czar's OpenCode plugin through its own KILO_ variables, and keeps OpenCode's records, resume and rows", () => {
    const setup = kilo.setup(context);
    const config = JSON.parse(setup.env.KILO_CONFIG_CONTENT ?? '{}') as { plugin?: string[] };
    expect(config.plugin).toEqual([expect.stringMatching(/^file:\/\/\/.*\/bin\/czar-opencode-plugin\.js$/)]);
    expect(setup.env.KILO_DISABLE_AUTOUPDATE).toBe('1');
    expect(setup.env.OPENCODE_CONFIG_CONTENT).toBeUndefined();
    expect(setup.env.CZAR_OPENCODE_REPORT).toBe(opencode.setup(context).env.CZAR_OPENCODE_REPORT);
    expect(kilo.transcripts).toBe(opencode.transcripts);
    expect(kilo.resume).toBe(opencode.resume);
    expect(kilo.signals).toBe(opencode.signals);
    expect(kilo.startsOneAtATime).toBe(true);
    expect(kilo.install?.npm).toBe('@kilocode/cli@7.7.7');
  });
});
