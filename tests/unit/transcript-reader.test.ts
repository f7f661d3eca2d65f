import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConversations, TRANSCRIPT_LIMITS } from '../../src/adapters/transcript-reader.js';
import { codexRolloutFiles } from '../../src/adapters/transcripts.js';
import { agentTranscripts, PRESETS } from '../../src/agents/index.js';
import { conversationsOf, TranscriptFile } from '../../src/supervisor/sources/transcript-file.js';
import { tempDir } from '../helpers/git-repo.js';

const day = (now: number): string => {
  const date = new Date(now);
  return path.join(
    String(date.getFullYear()),
    String(date.getMonth() + 1).padStart(2, '0'),
    String(date.getDate()).padStart(2, '0'),
  );
};

// A Codex rollout as codex 0.x writes it: `session_meta` first, then the user's turns.
function rollout(id: string, cwd: string, prompts: readonly string[], instructions = ''): string {
  const meta = { type: 'session_meta', payload: { id, cwd, instructions } };
  const turns = prompts.map((text) => ({
    type: 'response_item',
    payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  }));
  return [meta, ...turns].map((line) => `${JSON.stringify(line)}\n`).join('');
}

describe('transcript reader', () => {
  it('gives a resume read whole and the usage source following the files the same conversations', async () => {
    const home = await tempDir('czar-transcripts-');
    const worktree = await tempDir('czar-transcripts-wt-');
    const now = Date.now();
    const dir = path.join(home, '.codex', 'sessions', day(now));
    await mkdir(dir, { recursive: true });
    const prompts = Array.from({ length: TRANSCRIPT_LIMITS.conversationPrompts + 5 }, (_, i) => `prompt ${i}`);
    await writeFile(path.join(dir, 'rollout-a.jsonl'), rollout('conv-a', worktree, prompts));
    await writeFile(path.join(dir, 'rollout-b.jsonl'), rollout('conv-b', worktree, ['the task']));
    const records = agentTranscripts('codex', { worktree, env: { HOME: home }, transcripts: [] });
    const identity = PRESETS.codex.resume?.identity(worktree);
    if (records === undefined || identity === undefined || records.places.kind !== 'codex') throw new Error('codex');
    const files = await codexRolloutFiles(records.places.sessionsDir, worktree, now, new Map());
    expect(files).toHaveLength(2);

    const whole = await readConversations(files, { identity, prompt: records.prompts }, undefined);
    const followed = files.map((file) => new TranscriptFile(file, records));
    for (const file of followed) await file.poll({ tasks: [{ id: 't1', at: 0 }], identity }, now);
    const strip = (list: typeof whole) =>
      list.map(({ at: _at, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id));
    expect(strip(conversationsOf(followed))).toEqual(strip(whole));
    expect(strip(whole)).toEqual([
      { id: 'conv-a', cwd: worktree, prompts: prompts.slice(0, TRANSCRIPT_LIMITS.conversationPrompts) },
      { id: 'conv-b', cwd: worktree, prompts: ['the task'] },
    ]);
  });

  it("finds a rollout whose first line is long but within the line limit the rollout's lines are read with", async () => {
    const sessions = await tempDir('czar-transcripts-');
    const now = Date.now();
    const dir = path.join(sessions, day(now));
    await mkdir(dir, { recursive: true });
    const worktree = '/work/wt/long-instructions';
    // A worker's AGENTS.md and instructions file copied into the first line: 300 KB, well under the line limit.
    await writeFile(path.join(dir, 'rollout-long.jsonl'), rollout('conv', worktree, ['go'], 'x'.repeat(300 * 1024)));
    await writeFile(
      path.join(dir, 'rollout-over.jsonl'),
      rollout('over', worktree, ['go'], 'x'.repeat(TRANSCRIPT_LIMITS.lineBytes)),
    );
    const files = await codexRolloutFiles(sessions, worktree, now, new Map());
    expect(files.map((file) => path.basename(file))).toEqual(['rollout-long.jsonl']);
  });
});
