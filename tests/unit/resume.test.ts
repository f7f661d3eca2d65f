import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { claudeResume } from '../../src/agents/claude/resume.js';
import { codexResume } from '../../src/agents/codex/resume.js';
import { geminiResume } from '../../src/agents/gemini/resume.js';
import { opencodeResume } from '../../src/agents/opencode/resume.js';
import { piResume } from '../../src/agents/pi/resume.js';
import { qwenResume } from '../../src/agents/qwen/resume.js';
import type { AgentResume } from '../../src/agents/resume.js';
import { restartStart, type RecordedConversation, type RestartFacts } from '../../src/domain/model/resume.js';

const TASK = 'Write the greeting and commit it.\nRUN: echo hello > hello.txt';
const WORKTREE = '/work/trees/greeter';
const conversation = (over: Partial<RecordedConversation> = {}): RecordedConversation => ({
  id: '6e471e2e-edee-4b4e-922d-ce29fc79fb44',
  cwd: WORKTREE,
  // A brief wraps the task in czar's own text: the conversation holds the task when every line of it is there.
  prompts: [`# Your task\n\n${TASK}`, 'Worker greeter: keep going'],
  at: 1000,
  ...over,
});
const facts = (over: Partial<RestartFacts> = {}): RestartFacts => ({
  fresh: false,
  preset: 'claude',
  resumable: true,
  onThisDisk: true,
  where: '',
  worktree: WORKTREE,
  task: TASK,
  named: undefined,
  conversations: [conversation()],
  ...over,
});

describe('restartStart', () => {
  it("resumes the worker's own conversation when it was held in its worktree and holds its task", () => {
    expect(restartStart(facts())).toEqual({
      kind: 'resume',
      id: '6e471e2e-edee-4b4e-922d-ce29fc79fb44',
      why: 'conversation 6e471e2e-edee-4b4e-922d-ce29fc79fb44 was held in its worktree and holds its task',
    });
  });

  it('takes the conversation the hooks named, else the newest of the worktree', () => {
    const older = conversation({ id: 'older', at: 1 });
    const newer = conversation({ id: 'newer', at: 2 });
    expect(restartStart(facts({ conversations: [older, newer] }))).toMatchObject({ kind: 'resume', id: 'newer' });
    expect(restartStart(facts({ conversations: [older, newer], named: 'older' }))).toMatchObject({ id: 'older' });
    // A name the hooks gave that no record of this worktree holds is not taken on its word.
    expect(restartStart(facts({ conversations: [older], named: 'elsewhere' }))).toMatchObject({ id: 'older' });
  });

  it('starts afresh, saying why, whenever it cannot tell the conversation is this worker’s', () => {
    const why = (over: Partial<RestartFacts>): string => {
      const start = restartStart(facts(over));
      expect(start.kind).toBe('fresh');
      return start.why;
    };
    expect(why({ fresh: true })).toBe('the person asked for a fresh start');
    expect(why({ resumable: false, preset: 'aider' })).toBe('the aider agent cannot resume a conversation');
    expect(why({ task: '' })).toBe("its task's text is not written yet");
    expect(why({ onThisDisk: false, where: ' on host "box"' })).toContain('runs on host "box"');
    expect(why({ conversations: [] })).toBe("no conversation of this worker is in its agent's records");
    expect(why({ conversations: [conversation({ cwd: '/work/trees/other' })] })).toBe(
      "none of the 1 conversation(s) in its agent's records was held in its worktree /work/trees/greeter",
    );
    expect(why({ conversations: [conversation({ cwd: undefined })] })).toContain('none of the 1');
    expect(why({ conversations: [conversation({ prompts: ['Write the greeting and commit it.'] })] })).toBe(
      'conversation 6e471e2e-edee-4b4e-922d-ce29fc79fb44 does not hold the task czar gave this worker',
    );
    // An id is put on the agent's command line: one that could read as an option is never used.
    expect(why({ conversations: [conversation({ id: '--dangerously-skip-permissions' })] })).toBe(
      'conversation "--dangerously-skip-permissions" has no plain id',
    );
    expect(why({ conversations: [conversation({ id: 'a\u001b[2Jb' })] })).toBe('conversation "a␛[2Jb" has no plain id');
  });
});

const fixture = (name: string): string[] =>
  readFileSync(new URL(`../fixtures/usage/${name}`, import.meta.url), 'utf8').split('\n');
const identity = (resume: AgentResume, worktree: string, lines: string[]) =>
  lines.map(resume.identity(worktree)).find((found) => found !== undefined);

describe('agent conversation identities, from records of the real CLIs', () => {
  it('reads the id and folder of Claude Code, Codex and Gemini CLI records', () => {
    expect(identity(claudeResume, '/x', fixture('claude/session.jsonl'))).toMatchObject({
      id: '6e471e2e-edee-4b4e-922d-ce29fc79fb44',
    });
    expect(
      fixture('claude/session.jsonl')
        .map(claudeResume.identity('/x'))
        .find((found) => found?.cwd !== undefined),
    ).toEqual({ id: '6e471e2e-edee-4b4e-922d-ce29fc79fb44', cwd: '/tmp/cost-capture/cwd' });
    expect(identity(codexResume, '/x', fixture('codex/rollout.jsonl'))).toEqual({
      id: '01a2046c-4a8c-7c61-8b10-91dd4e7c2ac4',
      cwd: '/tmp/cost-capture/cwd',
    });
    // Gemini records only a hash of the folder: it is this worktree when the hashes agree.
    expect(identity(geminiResume, '/tmp/cost-capture/cwd', fixture('gemini/session.jsonl'))).toEqual({
      id: 'e569cefd-1ad1-4da8-82ec-f3d7c248d8c2',
      cwd: '/tmp/cost-capture/cwd',
    });
    expect(identity(geminiResume, '/tmp/other', fixture('gemini/session.jsonl'))?.cwd).not.toBe('/tmp/other');
  });

  it('reads the id and folder of Qwen Code, pi and OpenCode records', () => {
    expect(identity(qwenResume, '/x', fixture('qwen/chat.jsonl'))).toEqual({
      id: 'c9e64f3b-64d1-4391-bf1e-0d8411543252',
      cwd: '/tmp/ag6/qrepo',
    });
    expect(identity(piResume, '/x', fixture('pi/session.jsonl'))).toEqual({
      id: '01a209aa-7c5b-7412-be0a-50837109721d',
      cwd: '/tmp/ag6/prepo',
    });
    expect(identity(opencodeResume, '/x', fixture('opencode/session.jsonl'))).toEqual({
      id: 'ses_defa31a9cffeQAA04XIc8dJy9N',
      cwd: '/tmp/oclab/wt',
    });
    expect(fixture('opencode/session.jsonl').slice(1).map(opencodeResume.identity('/x')).filter(Boolean)).toEqual([]);
    // A pi message line names an id too, but not the session's.
    expect(fixture('pi/session.jsonl').slice(1).map(piResume.identity('/x')).filter(Boolean)).toEqual([]);
  });

  it('resumes by the flags each pinned CLI takes', () => {
    expect(claudeResume.args('abc')).toEqual(['--resume', 'abc']);
    expect(codexResume.args('abc')).toEqual(['resume', 'abc']);
    expect(geminiResume.args('abc')).toEqual(['--resume', 'abc']);
    expect(qwenResume.args('abc')).toEqual(['--resume', 'abc']);
    expect(piResume.args('abc')).toEqual(['--session', 'abc']);
    expect(opencodeResume.args('ses_abc')).toEqual(['--session', 'ses_abc']);
  });
});
