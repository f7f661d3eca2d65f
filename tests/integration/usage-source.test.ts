import { appendFile, copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { IncrementalLineReader } from '../../src/adapters/line-reader.js';
import { agentTranscripts } from '../../src/agents/index.js';
import { claudeResume } from '../../src/agents/claude/resume.js';
import { claudeProjectDir } from '../../src/agents/transcripts.js';
import { byModel, tokenTotal, type WorkerUsage } from '../../src/domain/usage/usage.js';
import { UsageSource, type UsageSubject } from '../../src/supervisor/sources/usage.js';
import { tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const fixtures = new URL('../fixtures/usage/', import.meta.url).pathname;
const FIRST_LINE_AT = Date.parse('2026-11-22T18:02:00.000Z');

/** An assistant line shaped like Claude Code's, with known usage. */
function claudeLine(
  id: string,
  tokens: { input: number; output: number },
  at: string,
  model = 'claude-sonnet-4-5-20250929',
): string {
  return `${JSON.stringify({ type: 'assistant', requestId: `req_${id}`, timestamp: at, message: { id, model, usage: { input_tokens: tokens.input, output_tokens: tokens.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } })}\n`;
}

async function claudeSubject(
  tasks: UsageSubject['tasks'] = [{ id: 'w1', at: FIRST_LINE_AT }],
): Promise<{ subject: UsageSubject; dir: string }> {
  const configDir = await tempDir('czar-claude-');
  const worktree = '/work/wt/some-worker';
  const dir = claudeProjectDir(configDir, worktree);
  await mkdir(dir, { recursive: true });
  const transcripts = agentTranscripts('claude', { worktree, env: { CLAUDE_CONFIG_DIR: configDir }, transcripts: [] });
  return { subject: { name: 'w1', transcripts, tasks }, dir };
}

/** A source whose folder watches close when the test ends. */
function newSource(): UsageSource {
  const source = new UsageSource();
  onTestFinished(() => source.close());
  return source;
}

const total = (usage: WorkerUsage | undefined): number =>
  byModel(usage?.tasks ?? []).reduce((sum, entry) => sum + tokenTotal(entry), 0);

describe('usage source over real record files', () => {
  it('adds a session and its subagent, counts each streamed message once and splits by task', async () => {
    // The bonus task starts between the subagent's message (18:02:10.329) and the last main one (18:02:10.353).
    const { subject, dir } = await claudeSubject([
      { id: 'w1', at: FIRST_LINE_AT },
      { id: 'bonus-1', at: Date.parse('2026-11-22T18:02:10.340Z') },
    ]);
    await copyFile(path.join(fixtures, 'claude/session.jsonl'), path.join(dir, 'session.jsonl'));
    await mkdir(path.join(dir, 'session/subagents'), { recursive: true });
    await copyFile(
      path.join(fixtures, 'claude/session/subagents/agent-af90670e3dd2ced28.jsonl'),
      path.join(dir, 'session/subagents/agent-af90670e3dd2ced28.jsonl'),
    );
    const usage = (await newSource().poll([subject], Date.now())).get('w1');
    expect(usage?.files).toBe(2);
    const perTask = Object.fromEntries((usage?.tasks ?? []).map((task) => [task.task, byModel([task])[0]]));
    expect(perTask.w1).toMatchObject({
      input: 1006 + 1007,
      output: 56 + 57,
      cacheWrite: 206 + 207,
      cacheRead: 306 + 307,
    });
    expect(perTask['bonus-1']).toMatchObject({ input: 1008, output: 58, cacheWrite: 208, cacheRead: 308 });
  });

  it('keeps what each conversation in the records says of itself, for a restart that may resume it', async () => {
    const { subject, dir } = await claudeSubject();
    await copyFile(path.join(fixtures, 'claude/session.jsonl'), path.join(dir, 'session.jsonl'));
    await mkdir(path.join(dir, 'session/subagents'), { recursive: true });
    await copyFile(
      path.join(fixtures, 'claude/session/subagents/agent-af90670e3dd2ced28.jsonl'),
      path.join(dir, 'session/subagents/agent-af90670e3dd2ced28.jsonl'),
    );
    const source = newSource();
    const at = Date.now();
    await source.poll([{ ...subject, identity: claudeResume.identity('/x') }], at);
    // The fixture's session and its subagent name one conversation: one entry, its first prompt the task.
    const [conversation, ...others] = source.conversations('w1');
    expect(others).toEqual([]);
    expect(conversation).toMatchObject({ id: '6e471e2e-edee-4b4e-922d-ce29fc79fb44', at });
    expect(conversation?.cwd).toMatch(/^\//);
    expect(conversation?.prompts.length).toBeGreaterThan(0);
    // Records removed: that conversation can no longer be resumed, though what it spent still counts.
    await rm(path.join(dir, 'session.jsonl'));
    await rm(path.join(dir, 'session'), { recursive: true });
    const after = await source.poll([{ ...subject, identity: claudeResume.identity('/x') }], at + 60_000);
    expect(source.conversations('w1')).toEqual([]);
    expect(after.get('w1')?.files).toBe(2);
    // An agent that cannot resume keeps no such facts.
    const plain = newSource();
    await plain.poll([subject], at);
    expect(plain.conversations('w1')).toEqual([]);
  });

  it("takes the prompts a delivery is checked against only from a conversation held in the worker's worktree", async () => {
    // The fixture's conversation was held in /tmp/cost-capture/cwd: another worker's, as a resume would judge it.
    const { subject, dir } = await claudeSubject();
    await copyFile(path.join(fixtures, 'claude/session.jsonl'), path.join(dir, 'session.jsonl'));
    const elsewhere = '/work/wt/some-worker';
    const other = await newSource().poll(
      [{ ...subject, identity: claudeResume.identity(elsewhere), worktree: elsewhere }],
      Date.now(),
    );
    expect(other.get('w1')?.prompts).toEqual([]);
    expect(total(other.get('w1'))).toBeGreaterThan(0);
    const held = '/tmp/cost-capture/cwd';
    const own = await newSource().poll(
      [{ ...subject, identity: claudeResume.identity(held), worktree: held }],
      Date.now(),
    );
    expect(own.get('w1')?.prompts?.length).toBeGreaterThan(0);
  });

  it('reads only what was appended, waits for an unfinished line and skips malformed ones', async () => {
    const { subject, dir } = await claudeSubject();
    const file = path.join(dir, 's.jsonl');
    const source = newSource();
    // Each poll a sweep later: these are about what a read finds, not about when the watch asks for one.
    let now = Date.now();
    const later = (): number => (now += 10_000);
    await writeFile(file, claudeLine('m1', { input: 10, output: 1 }, '2026-11-22T18:03:00Z'));
    expect(total((await source.poll([subject], later())).get('w1'))).toBe(11);
    // A half-written line is not counted until its newline arrives; garbage that claims usage is counted as skipped.
    const next = claudeLine('m2', { input: 100, output: 5 }, '2026-11-22T18:03:01Z');
    await appendFile(file, `{"type":"assistant","message":{"usage":{"input_tokens":9\n${next.slice(0, 40)}`);
    const partial = (await source.poll([subject], later())).get('w1');
    expect(total(partial)).toBe(11);
    expect(partial?.skippedLines).toBe(1);
    await appendFile(file, next.slice(40));
    expect(total((await source.poll([subject], later())).get('w1'))).toBe(116);
    expect((await source.poll([subject], later())).has('w1')).toBe(false);
  });

  it('starts over on a file that was replaced or truncated, without keeping the old counts', async () => {
    const { subject, dir } = await claudeSubject();
    const file = path.join(dir, 's.jsonl');
    const source = newSource();
    let now = Date.now();
    const later = (): number => (now += 10_000);
    await writeFile(
      file,
      claudeLine('m1', { input: 10, output: 0 }, '2026-11-22T18:03:00Z') +
        claudeLine('m2', { input: 20, output: 0 }, '2026-11-22T18:03:01Z'),
    );
    expect(total((await source.poll([subject], later())).get('w1'))).toBe(30);
    // Replaced by rename: another inode, even though it is larger.
    await writeFile(
      `${file}.new`,
      claudeLine('m3', { input: 300, output: 0 }, '2026-11-22T18:03:02Z') +
        claudeLine('m4', { input: 400, output: 0 }, '2026-11-22T18:03:03Z'),
    );
    await rename(`${file}.new`, file);
    expect(total((await source.poll([subject], later())).get('w1'))).toBe(700);
    // Truncated in place: same inode, smaller.
    await writeFile(file, claudeLine('m5', { input: 5, output: 0 }, '2026-11-22T18:03:04Z'));
    expect(total((await source.poll([subject], later())).get('w1'))).toBe(5);
  });

  it("holds a worker's new lines while its next task's paste is unconfirmed, then gives each line its own task", async () => {
    const givenAt = Date.parse('2026-11-22T18:04:00Z');
    const pastedAt = Date.parse('2026-11-22T18:04:05Z');
    const { subject, dir } = await claudeSubject([
      { id: 'w1', at: FIRST_LINE_AT },
      { id: 'bonus-1', at: givenAt },
    ]);
    const file = path.join(dir, 's.jsonl');
    const source = newSource();
    // The last turn of w1 ends after the bonus was given; the agent answers the bonus before czar confirms its paste.
    await writeFile(
      file,
      claudeLine('m1', { input: 10, output: 0 }, '2026-11-22T18:04:02Z') +
        claudeLine('m2', { input: 200, output: 0 }, '2026-11-22T18:04:06Z'),
    );
    expect((await source.poll([{ ...subject, pendingSince: givenAt }], givenAt + 7_000)).size).toBe(0);
    const confirmed = {
      ...subject,
      tasks: [
        { id: 'w1', at: FIRST_LINE_AT },
        { id: 'bonus-1', at: pastedAt },
      ],
    };
    const usage = (await source.poll([confirmed], givenAt + 8_000)).get('w1');
    expect(usage?.tasks.map((task) => [task.task, byModel([task])[0]?.input])).toEqual([
      ['w1', 10],
      ['bonus-1', 200],
    ]);
    // A paste never confirmed holds the lines only so long: then they go by when the task was given.
    await appendFile(file, claudeLine('m3', { input: 3000, output: 0 }, '2026-11-22T18:05:00Z'));
    expect(
      total((await source.poll([{ ...confirmed, pendingSince: givenAt + 60_000 }], givenAt + 90_000)).get('w1')),
    ).toBe(3210);
  });

  it('looks for a first record file every second in the first minute of a task, then only at the sweep', async () => {
    const now = Date.now();
    const { subject: young, dir } = await claudeSubject([{ id: 'w1', at: now }]);
    const source = newSource();
    expect((await source.poll([young], now)).size).toBe(0);
    await writeFile(
      path.join(dir, 'one.jsonl'),
      claudeLine('m1', { input: 10, output: 0 }, new Date(now + 500).toISOString()),
    );
    expect(total((await source.poll([young], now + 1_000)).get('w1'))).toBe(10);

    // A task given two minutes ago whose agent wrote nothing yet (it keeps no records, or a dialog holds it).
    const { subject: old, dir: oldDir } = await claudeSubject([{ id: 'w1', at: now - 120_000 }]);
    const later = newSource();
    expect((await later.poll([old], now)).size).toBe(0);
    await writeFile(
      path.join(oldDir, 'one.jsonl'),
      claudeLine('m1', { input: 10, output: 0 }, new Date(now + 500).toISOString()),
    );
    expect((await later.poll([old], now + 1_000)).size).toBe(0);
    expect(total((await later.poll([old], now + 10_000)).get('w1'))).toBe(10);
  });

  it("finds a new record file at once, by its folder's watch, for every worker whose records are in that folder", async () => {
    const { subject, dir } = await claudeSubject();
    const other = { ...subject, name: 'w2' };
    let woken = 0;
    const source = new UsageSource(() => (woken += 1));
    onTestFinished(() => source.close());
    const start = Date.now();
    await writeFile(path.join(dir, 'one.jsonl'), claudeLine('m1', { input: 10, output: 0 }, '2026-11-22T18:03:00Z'));
    expect([...(await source.poll([subject, other], start)).values()].map((usage) => usage.files)).toEqual([1, 1]);
    // A new session: the listing sweep is not due for seconds, the folder's watch tells both workers now.
    await writeFile(path.join(dir, 'two.jsonl'), claudeLine('m2', { input: 20, output: 0 }, '2026-11-22T18:03:01Z'));
    await waitFor(() => woken > 0, { what: 'the watch of the record folder to fire' });
    const next = await source.poll([subject, other], start + 100);
    expect([next.get('w1')?.files, next.get('w2')?.files]).toEqual([2, 2]);
  });

  it("reads a record file when its folder's watch names it, without waiting for the sweep", async () => {
    const { subject, dir } = await claudeSubject();
    const file = path.join(dir, 'one.jsonl');
    let woken = 0;
    const source = new UsageSource(() => (woken += 1));
    onTestFinished(() => source.close());
    const start = Date.now();
    await writeFile(file, claudeLine('m1', { input: 10, output: 0 }, '2026-11-22T18:03:00Z'));
    expect(total((await source.poll([subject], start)).get('w1'))).toBe(10);
    await waitFor(() => woken > 0, { what: 'the watch of the record folder to be ready' });
    expect((await source.poll([subject], start + 100)).size).toBe(0);
    const seen = woken;
    await appendFile(file, claudeLine('m2', { input: 20, output: 0 }, '2026-11-22T18:03:01Z'));
    await waitFor(() => woken > seen, { what: 'the watch to see the appended line' });
    expect(total((await source.poll([subject], start + 200)).get('w1'))).toBe(30);
  });

  it('gets a 100 MB transcript with a 10 MB line right, reading it once with bounded memory', async () => {
    const { subject, dir } = await claudeSubject();
    const file = path.join(dir, 'big.jsonl');
    const filler = `${JSON.stringify({ type: 'user', message: { content: 'x'.repeat(2000) } })}\n`;
    let expected = 0;
    let written = 0;
    let id = 0;
    while (written < 100 * 1024 * 1024) {
      const block: string[] = [];
      for (let i = 0; i < 500; i += 1) block.push(filler);
      id += 1;
      block.push(claudeLine(`m${id}`, { input: id, output: 1 }, '2026-11-22T18:04:00Z'));
      expected += id + 1;
      if (id === 20) block.push(`{"type":"assistant","usage":"${'y'.repeat(10 * 1024 * 1024)}"}\n`);
      const text = block.join('');
      await appendFile(file, text);
      written += text.length;
    }
    const source = newSource();
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
    const usage = (await source.poll([subject], Date.now())).get('w1');
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(total(usage)).toBe(expected);
    expect(usage?.skippedLines).toBe(1);
    // The file as one string would take 200 MB of heap (UTF-16); the reader holds a chunk and one line.
    expect(peak - baseline).toBeLessThan(64 * 1024 * 1024);
    await appendFile(file, claudeLine('last', { input: 1, output: 1 }, '2026-11-22T18:05:00Z'));
    const reader = new IncrementalLineReader(file);
    expect((await reader.read(() => undefined)).bytesRead).toBeGreaterThan(100 * 1024 * 1024);
    expect(total((await source.poll([subject], Date.now() + 10_000)).get('w1'))).toBe(expected + 2);
  }, 120_000);

  it('finds Codex rollouts and Gemini sessions of this worktree only', async () => {
    const home = await tempDir('czar-home-');
    const worktree = '/tmp/cost-capture/cwd';
    const now = Date.parse('2026-11-22T18:10:00Z');
    const day = path.join(home, '.codex/sessions/2026/11/22');
    await mkdir(day, { recursive: true });
    await copyFile(path.join(fixtures, 'codex/rollout.jsonl'), path.join(day, 'rollout-a.jsonl'));
    const other = (await readFile(path.join(fixtures, 'codex/rollout.jsonl'), 'utf8')).replaceAll(
      '/tmp/cost-capture/cwd',
      '/elsewhere',
    );
    await writeFile(path.join(day, 'rollout-b.jsonl'), other);
    await mkdir(path.join(home, '.gemini/tmp/cwd/chats'), { recursive: true });
    await writeFile(path.join(home, '.gemini/projects.json'), JSON.stringify({ projects: { [worktree]: 'cwd' } }));
    await copyFile(
      path.join(fixtures, 'gemini/session.jsonl'),
      path.join(home, '.gemini/tmp/cwd/chats/session-1.jsonl'),
    );
    const tasks = [{ id: 'w', at: FIRST_LINE_AT }];
    const subjects: UsageSubject[] = [
      { name: 'cx', transcripts: agentTranscripts('codex', { worktree, env: { HOME: home }, transcripts: [] }), tasks },
      {
        name: 'gm',
        transcripts: agentTranscripts('gemini', { worktree, env: { HOME: home }, transcripts: [] }),
        tasks,
      },
      { name: 'sh', transcripts: agentTranscripts('shell', { worktree, env: { HOME: home }, transcripts: [] }), tasks },
    ];
    const usage = await newSource().poll(subjects, now);
    expect(usage.get('cx')?.files).toBe(1);
    expect(byModel(usage.get('cx')?.tasks ?? [])).toEqual([
      { model: 'fake-model', input: 3800, output: 159, cacheWrite: 0, cacheRead: 219 },
    ]);
    expect(byModel(usage.get('gm')?.tasks ?? [])).toEqual([
      { model: 'gemini-2.5-pro', input: 5200, output: 197, cacheWrite: 0, cacheRead: 823 },
    ]);
    // A shell keeps no records: its usage is unknown, not zero.
    expect(usage.has('sh')).toBe(false);
  });
});
