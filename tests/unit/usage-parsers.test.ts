import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudeUsageParser } from '../../src/agents/claude/transcripts.js';
import { codexUsageParser } from '../../src/agents/codex/transcripts.js';
import { geminiUsageParser } from '../../src/agents/gemini/transcripts.js';
import { opencodeTranscripts, opencodeUsageParser } from '../../src/agents/opencode/transcripts.js';
import { piUsageParser } from '../../src/agents/pi/transcripts.js';
import { qwenUsageParser } from '../../src/agents/qwen/transcripts.js';
import { tallyAll, UsageTally } from '../../src/domain/usage/usage-tally.js';
import type { UsageFormat, UsageLine } from '../../src/domain/usage/usage.js';

// Real records, captured from Claude Code 2.1.197, Codex 0.169.0 and Gemini CLI 0.61.0 run against a local model
// server that answered request n with known usage (Claude: input 1000+n, output 50+n, cache write 200+n, cache read
// 300+n; Codex: input 2000+n incl. 100+n cached, output 70+n; Gemini: prompt 3000+n incl. 400+n cached, output 80+n,
// thoughts 7).
const fixture = (name: string): string[] =>
  readFileSync(new URL(`../fixtures/usage/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '');

function parseAll(format: UsageFormat, lines: readonly string[]): { usage: UsageLine[]; malformed: number } {
  const parse = format();
  const usage: UsageLine[] = [];
  let malformed = 0;
  for (const line of lines) {
    const parsed = parse(line);
    if (parsed === 'malformed') malformed += 1;
    else if (parsed !== 'none') usage.push(parsed);
  }
  return { usage, malformed };
}

describe('Claude Code transcript usage', () => {
  it('counts a message written once per content block only once', () => {
    const { usage } = parseAll(claudeUsageParser, fixture('claude/session.jsonl'));
    // Three assistant lines, two messages: msg_cap_6 (text + tool_use block) and msg_cap_8.
    expect(usage).toHaveLength(3);
    expect(usage[0]?.kind === 'call' && usage[0].id).toBe(usage[1]?.kind === 'call' && usage[1].id);
    expect(tallyAll(usage)).toEqual({
      input: 1006 + 1008,
      output: 56 + 58,
      cacheWrite: 206 + 208,
      cacheRead: 306 + 308,
    });
    expect(usage[0]?.model).toBe('claude-sonnet-4-5-20250929');
    expect(usage[0]?.at).toBe(Date.parse('2026-11-22T18:02:10.292Z'));
  });

  it('reads a subagent transcript the same way', () => {
    const { usage } = parseAll(claudeUsageParser, fixture('claude/session/subagents/agent-af90670e3dd2ced28.jsonl'));
    expect(tallyAll(usage)).toEqual({ input: 1007, output: 57, cacheWrite: 207, cacheRead: 307 });
  });

  it('takes the largest counts when a streamed message repeats with partial counts first', () => {
    const tally = new UsageTally();
    const line = (output: number): UsageLine => ({
      kind: 'call',
      id: 'm1:r1',
      model: 'm',
      tokens: { input: 10, output, cacheWrite: 0, cacheRead: 0 },
      at: undefined,
    });
    expect(tally.add(line(1)).output).toBe(1);
    expect(tally.add(line(40)).output).toBe(39);
    expect(tally.add(line(40))).toEqual({ input: 0, output: 0, cacheWrite: 0, cacheRead: 0 });
  });

  it('skips synthetic lines and counts garbage that claims usage as malformed', () => {
    const parse = claudeUsageParser();
    expect(parse('{"type":"assistant","message":{"id":"x","model":"<synthetic>","usage":{"input_tokens":0}}}')).toBe(
      'none',
    );
    expect(parse('{"type":"assistant","message":{"usage":{"input_tok')).toBe('malformed');
    expect(parse('not json at all')).toBe('none');
  });
});

describe('Codex rollout usage', () => {
  it('takes the latest running total, not the sum of them, with cached input apart', () => {
    const { usage } = parseAll(codexUsageParser, fixture('codex/rollout.jsonl'));
    expect(usage).toHaveLength(2);
    expect(usage.every((line) => line.kind === 'total' && line.model === 'fake-model')).toBe(true);
    expect(tallyAll(usage)).toEqual({ input: 4019 - 219, output: 159, cacheWrite: 0, cacheRead: 219 });
  });
});

describe('Gemini CLI session usage', () => {
  it('counts a tool-calling message written twice once, thoughts as output and cached input apart', () => {
    const { usage } = parseAll(geminiUsageParser, fixture('gemini/session.jsonl'));
    expect(usage).toHaveLength(3);
    expect(tallyAll(usage)).toEqual({
      input: 3011 - 411 + (3012 - 412),
      output: 91 + 7 + 92 + 7,
      cacheWrite: 0,
      cacheRead: 411 + 412,
    });
    expect(usage[0]?.model).toBe('gemini-2.5-pro');
  });
});

describe('Qwen Code chat usage', () => {
  it('counts each response once from its assistant line, not again from the telemetry lines, cached input apart', () => {
    // Two answers of the scripted endpoint (1200 prompt tokens of which 300 cached, 40 out), and a refused turn.
    const { usage } = parseAll(qwenUsageParser, fixture('qwen/chat.jsonl'));
    expect(usage).toHaveLength(2);
    expect(tallyAll(usage)).toEqual({ input: 2 * (1200 - 300), output: 2 * 40, cacheWrite: 0, cacheRead: 2 * 300 });
    expect(usage[0]?.model).toBe('fake-model');
  });
});

describe('pi session usage', () => {
  it("counts each answer's own usage, its input already without the cached part, and a refused call as nothing", () => {
    const { usage } = parseAll(piUsageParser, fixture('pi/session.jsonl'));
    expect(usage).toHaveLength(3);
    expect(tallyAll(usage)).toEqual({ input: 2 * 900, output: 2 * 40, cacheWrite: 0, cacheRead: 2 * 300 });
    expect(usage[0]?.model).toBe('fake-model');
  });
});

describe("OpenCode usage, as czar's plugin records it", () => {
  it('counts each answer once by its message id, input without the cached part, failed and interrupted ones as nothing', () => {
    // Seven answers of the scripted endpoint (1200 prompt tokens of which 300 cached, 40 out), one refused turn and
    // one interrupted turn, from OpenCode 1.18.33.
    const lines = fixture('opencode/session.jsonl');
    const { usage, malformed } = parseAll(opencodeUsageParser, [...lines, lines[2] ?? '']);
    expect(malformed).toBe(0);
    expect(tallyAll(usage)).toEqual({ input: 7 * 900, output: 7 * 40, cacheWrite: 0, cacheRead: 7 * 300 });
    expect(usage[0]?.model).toBe('fake-model');
    expect(usage[0]?.at).toBe(Date.parse('2026-11-25T01:41:04.258Z'));
  });

  it('reads reasoning as output and ignores counts that are not counts', () => {
    const parse = opencodeUsageParser();
    const line = (tokens: unknown): string => JSON.stringify({ type: 'usage', id: 'm', tokens });
    const parsed = parse(line({ input: 5, output: 2, reasoning: 3, cache: { read: 1, write: 4 } }));
    expect(parsed !== 'none' && parsed !== 'malformed' && parsed.tokens).toEqual({
      input: 5,
      output: 5,
      cacheWrite: 4,
      cacheRead: 1,
    });
    const odd = parse(line({ input: -5, output: '7', cache: 'x' }));
    expect(odd !== 'none' && odd !== 'malformed' && odd.tokens).toEqual({
      input: 0,
      output: 0,
      cacheWrite: 0,
      cacheRead: 0,
    });
    expect(parse(JSON.stringify({ type: 'prompt', text: '"usage"' }))).toBe('none');
  });

  it("looks in the plugin's folder for the worktree under HOME, and nowhere relative without one", () => {
    const records = (env: Record<string, string>) =>
      opencodeTranscripts({ worktree: '/w/a.b', env, transcripts: [] }).places;
    expect(records({ HOME: '/h' })).toEqual({ kind: 'claude', dirs: ['/h/.local/share/czar/opencode/-w-a-b'] });
    expect(records({})).toEqual({ kind: 'claude', dirs: [] });
  });
});

describe('untrusted record fields', () => {
  it('shows a model name with control characters made visible and bounded', () => {
    const evil = `\u001b]0;pwned\u0007${'m'.repeat(500)}`;
    const claude = claudeUsageParser()(
      JSON.stringify({ type: 'assistant', message: { id: 'x', model: evil, usage: { input_tokens: 1 } } }),
    );
    const gemini = geminiUsageParser()(JSON.stringify({ type: 'gemini', id: 'y', model: evil, tokens: { input: 1 } }));
    const codex = codexUsageParser();
    codex(JSON.stringify({ type: 'turn_context', payload: { model: evil } }));
    const total = codex(
      JSON.stringify({
        type: 'event_msg',
        payload: { type: 'token_count', info: { total_token_usage: { input_tokens: 1 } } },
      }),
    );
    for (const parsed of [claude, gemini, total]) {
      expect(parsed !== 'none' && parsed !== 'malformed' && parsed.model).toMatch(/^␛\]0;pwned␇m+$/);
      expect(parsed !== 'none' && parsed !== 'malformed' && parsed.model.length).toBeLessThanOrEqual(100);
    }
  });
});
