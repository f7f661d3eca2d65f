import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { Tmux } from '../../src/adapters/tmux.js';
import { czar, uniqueProject, writeFleetConfig } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// alpha's title (its task's first line) holds a backtick span: a shell that got it in a peer list would run it.
const FLEET = [
  'repo: repo',
  'agent: shell',
  'policy: { bonus: off, idle_after: 3s, escalate_after: 3s, restart: { max: 0 } }',
  'workers:',
  '  - { name: alpha, task: "Make `touch pwned` safe\\ntrue" }',
  '  - { name: beta, task: "echo beta-ran >> beta.txt" }',
  '',
].join('\n');

describe('the shell preset', () => {
  test("gets only its own task as written: no preamble, no other worker's text, and no nudge or re-brief pasted as commands", async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(root, project, FLEET);
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    const beta = path.join(root, 'repo-workers', 'beta');
    await waitFor(() => existsSync(path.join(beta, 'beta.txt')), { timeoutMs: 15_000, what: "beta's task to run" });
    // Idle with no done report: the czar's ladder goes past the nudge and the re-brief.
    const events = path.join(root, '.czar', 'events.jsonl');
    const betaEvents = async () =>
      (await readFile(events, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { kind: string; worker?: string })
        .filter((event) => event.worker === 'beta')
        .map((event) => event.kind);
    // A nudge pasted into bash ran its `czar report --state blocked` line: that report, or the re-brief rung after a
    // nudge that was not pasted, ends the wait.
    const kinds = await waitFor(
      async () => {
        const seen = await betaEvents();
        return seen.includes('rebrief') || seen.includes('report') ? seen : undefined;
      },
      { timeoutMs: 30_000, what: "beta's re-brief rung" },
    );
    expect(kinds).not.toContain('report');

    expect(existsSync(path.join(beta, 'pwned'))).toBe(false);
    expect(await readFile(path.join(beta, 'beta.txt'), 'utf8')).toBe('beta-ran\n');
    const tmux = new Tmux(`czar-${project}`);
    const screen = await tmux.capture((await tmux.paneIdOf('beta')) ?? '', { history: 500 });
    expect(screen).not.toContain('command not found');
    expect(screen).not.toContain('You are worker');
  });

  test("a person's comment (or a pull request's) is never run in it: it is left out as czar's other messages are", async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    await writeFleetConfig(
      root,
      project,
      [
        'repo: repo',
        'agent: shell',
        'policy: { bonus: off, idle_after: 3s, escalate_after: 1m, restart: { max: 0 } }',
        'workers:',
        '  - { name: beta, task: "echo beta-ran >> beta.txt" }',
        '',
      ].join('\n'),
    );
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    const beta = path.join(root, 'repo-workers', 'beta');
    await waitFor(() => existsSync(path.join(beta, 'beta.txt')), { timeoutMs: 15_000, what: "beta's task to run" });
    const comment = await czar(['comment', 'beta', 'README.md:1', 'looks off; touch commented'], { cwd: root });
    expect(comment.exitCode, comment.stderr).toBe(0);
    const events = path.join(root, '.czar', 'events.jsonl');
    const skipped = await waitFor(
      async () =>
        (await readFile(events, 'utf8'))
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line) as { kind: string; worker?: string; message: string })
          .find(
            (event) =>
              event.worker === 'beta' &&
              (event.kind === 'message_delivered' ||
                (event.kind === 'not_pasted' && event.message.includes('comment'))),
          ),
      { timeoutMs: 30_000, what: "the comment's fate" },
    );
    expect(skipped.kind).toBe('not_pasted');
    const screen = await new Tmux(`czar-${project}`).capture(
      (await new Tmux(`czar-${project}`).paneIdOf('beta')) ?? '',
      { history: 500 },
    );
    expect(screen).not.toContain('looks off');
    expect(existsSync(path.join(beta, 'commented'))).toBe(false);
  });

  test('a slow first command gets one Enter, is not a failed launch, and a later czar up does not run it again', async () => {
    const { root } = await tempRepo();
    const project = uniqueProject();
    // The task reads its stdin after a pause: any Enter czar typed after the first would reach it as a blank line.
    const task = 'sleep 4; echo ran >> runs.txt; timeout 8 cat > stdin.txt; echo end > end.txt';
    const fleet = ['repo: repo', 'agent: shell', 'policy: { bonus: off }', 'workers:'];
    await writeFleetConfig(
      root,
      project,
      [...fleet, `  - { name: slow, task: ${JSON.stringify(task)} }`, ''].join('\n'),
    );
    const up = await czar(['up', '--detach'], { cwd: root });
    expect(up.exitCode, up.stderr).toBe(0);
    const slow = path.join(root, 'repo-workers', 'slow');
    await waitFor(() => existsSync(path.join(slow, 'runs.txt')), { timeoutMs: 30_000, what: 'the task to run' });
    // Another up while the task runs: it adopts the shell and pastes nothing.
    const again = await czar(['up', '--detach'], { cwd: root });
    expect(again.exitCode, again.stderr).toBe(0);
    await waitFor(() => existsSync(path.join(slow, 'end.txt')), { timeoutMs: 30_000, what: 'the task to end' });
    const events = (await readFile(path.join(root, '.czar', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; worker?: string; message: string })
      .filter((event) => event.worker === 'slow');
    const kinds = events.map((event) => event.kind);
    expect(kinds).not.toContain('enter_retry');
    expect(kinds).not.toContain('delivery_failed');
    expect(kinds.filter((kind) => kind === 'pasted')).toHaveLength(1);
    expect(kinds).toContain('task_delivered');
    expect(await readFile(path.join(slow, 'stdin.txt'), 'utf8')).toBe('');
    expect(await readFile(path.join(slow, 'runs.txt'), 'utf8')).toBe('ran\n');
  });
});
