import { describe, expect, it } from 'vitest';
import { agentKind, presetFor, presetOf } from '../../src/agents/index.js';
import { resolveAgents } from '../../src/config/resolve-agents.js';
import { checkConfigText } from '../../src/config/validate.js';

const config = (agents: string): string =>
  `project: sark\nagents:\n${agents}workers:\n  - { name: api, task: x, agent: mybot }\n`;

function agentsOf(text: string): ReturnType<typeof resolveAgents> {
  const checked = checkConfigText(text, 'czar.yaml');
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return resolveAgents(checked.written.agents, '/cfg');
}

describe('an agent described in czar.yaml', () => {
  const mybot = [
    '  mybot:',
    '    command: ./bin/mybot',
    '    ready: "^mybot> $"',
    '    busy: thinking',
    '    waiting: "\\\\[y/N\\\\]"',
    '    dialogs:',
    '      - { match: "Accept the licence\\\\?", keys: [y, Enter], why: the licence is the project\'s own }',
    '    interrupt: [C-g]',
    '    submit_delay: 700ms',
    '    ready_timeout: 1m',
    '',
  ].join('\n');

  it('is driven by its own screens, timings and keys, on the shape of its preset', () => {
    const agent = agentsOf(config(mybot)).mybot;
    expect(agent).toMatchObject({ name: 'mybot', preset: 'custom', command: '/cfg/bin/mybot' });
    const preset = presetOf(agent!);
    expect(preset.isReady('loading...\nmybot> ')).toBe(true);
    // Read per line: the prompt must be a line of its own, not text that mentions it.
    expect(preset.isReady('loading... (type at the mybot> prompt)')).toBe(false);
    expect(preset.isBusy('thinking about it')).toBe(true);
    expect(preset.isWaiting('Delete it? [y/N]')).toBe(true);
    expect(preset.dialogs.map((dialog) => [dialog.id, dialog.keys, dialog.why])).toEqual([
      ['czar-yaml-1', ['y', 'Enter'], "the licence is the project's own"],
    ]);
    expect(preset.dialogs[0]?.match.test('Accept the licence? ')).toBe(true);
    expect(preset).toMatchObject({ interruptKeys: ['C-g'], submitDelayMs: 700, readyTimeoutMs: 60_000 });
    // What it did not say stays the preset's: an agent that gets czar's messages, and settles before a paste.
    expect(preset.plainTask).toBeUndefined();
    expect(preset).toMatchObject({ settleMs: presetFor('custom').settleMs });
    expect(presetOf(agent!)).toBe(preset);
  });

  it('is a plain shell, getting its own task only, when its command is a shell or it says preset: shell', () => {
    const agents = agentsOf(
      config(
        '  mybot: { command: ./bin/mybot }\n  z: { command: /usr/bin/zsh }\n  s: { command: ./s, preset: shell }\n',
      ),
    );
    expect(presetOf(agents.mybot!).plainTask).toBeUndefined();
    expect(agentKind(agents.mybot!)).toMatch(/^a custom agent: gets czar's messages/);
    for (const name of ['z', 's', 'shell']) {
      expect(presetOf(agents[name]!).plainTask).toBe(true);
      expect(agentKind(agents[name]!)).toMatch(/^a plain shell: gets only its own task/);
    }
    expect(agentKind(agents.claude!)).toBeUndefined();
  });

  it("overrides a built-in's screens and keeps its hooks, records, resume and review", () => {
    const agent = agentsOf(config('  claude: { ready: "^❯ $" }\n  mybot: { command: mybot }\n')).claude!;
    const claude = presetFor('claude');
    const preset = presetOf(agent);
    expect(preset.isReady('❯ ')).toBe(true);
    expect(preset).toMatchObject({
      signals: claude.signals,
      resume: claude.resume,
      review: claude.review,
      dialogs: claude.dialogs,
      interruptKeys: claude.interruptKeys,
    });
    expect(preset.transcripts).toBe(claude.transcripts);
    expect(presetOf(agentsOf(config('  mybot: { command: mybot }\n')).claude!)).toBe(claude);
  });

  it("says whether its preset's hooks report turn starts, which the czar's reading of its quiet needs", () => {
    const agents = agentsOf(config('  mybot: { command: mybot, preset: opencode }\n  other: { command: other }\n'));
    const reporting = Object.values(agents)
      .filter((agent) => agent.reportsTurnStart === true)
      .map((agent) => agent.name);
    expect(reporting.sort()).toEqual(['claude', 'copilot', 'gemini', 'kilo', 'mybot', 'opencode', 'pi', 'qwen', 'sim']);
    for (const agent of Object.values(agents))
      expect(agent.reportsTurnStart === true).toBe(presetOf(agent).reportsTurnStart);
  });

  it('refuses a pattern that does not compile, at its line', () => {
    const checked = checkConfigText(
      config('  mybot:\n    command: mybot\n    dialogs:\n      - { match: "(y/n", keys: [y] }\n'),
      'czar.yaml',
    );
    expect(checked.ok ? [] : checked.problems).toEqual([
      'czar.yaml:6:18: agents.mybot.dialogs[0].match "(y/n" is not a valid regular expression (/(y/n/: Unterminated group); fix it or escape special characters with a backslash.',
    ]);
    const ready = checkConfigText(config('  mybot: { command: mybot, ready: "[" }\n'), 'czar.yaml');
    expect(ready.ok ? [] : ready.problems).toEqual([
      'czar.yaml:3:35: agents.mybot.ready "[" is not a valid regular expression (/[/: Unterminated character class); fix it or escape special characters with a backslash.',
    ]);
  });
});
