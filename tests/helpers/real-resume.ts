import { execa } from 'execa';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { readLaunchRecord } from '../../src/fleet/launch-records.js';
import { workerIn } from './fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, type RealAgent } from './real-agents.js';
import type { RealFleet } from './real-fleet.js';
import { deliveryMismatches, task, upRealFleet } from './real-scenarios.js';
import { waitFor } from './wait.js';

// The restart scenario every agent that can resume goes through alike (real-agents-<agent>.test.ts): a crashed agent
// continues its own conversation, told only that it was restarted; one whose records are gone starts afresh.

/** Kills the agent in a worker's pane and every process of its group (Gemini CLI runs itself as a child). */
async function crash(fx: RealFleet, worker: string): Promise<void> {
  const pane = await fx.fleet.tmux.paneIdOf(worker);
  if (pane === undefined) throw new Error(`worker ${worker} has no pane`);
  const pid = (await fx.fleet.tmux.cmd(['display-message', '-p', '-t', pane, '#{pane_pid}'])).stdout.trim();
  await execa('kill', ['-KILL', '--', `-${pid}`]);
}

/** The agent's record files (transcripts, rollouts, chats) under its HOME that mention `text`. */
async function recordsMentioning(home: string, text: string): Promise<string[]> {
  const entries = await readdir(home, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.jsonl'))
    .map((entry) => path.join(entry.parentPath, entry.name));
  const found: string[] = [];
  for (const file of files) if ((await readFile(file, 'utf8')).includes(text)) found.push(file);
  return found;
}

const commitRun = (name: string): string =>
  `RUN: echo ${name} > ${name}.txt && git add ${name}.txt && git commit -qm "add ${name}"`;

/**
 * Registers the test that a crashed `agent` resumes its own conversation, and one with its records gone starts afresh.
 * `resumeOnly` leaves out the second (for an agent whose every start costs many seconds of CPU: the fresh start
 * after lost records is czar's own path, the same for every agent, and is run with the others).
 */
export function itResumesItsConversation(
  agent: RealAgent,
  options: { readonly afterDown?: boolean; readonly resumeOnly?: boolean } = {},
): void {
  const names = options.resumeOnly === true ? ['keeper'] : ['keeper', 'stranger'];
  it(
    `a crashed agent resumes its own conversation${options.resumeOnly === true ? '' : '; one whose records are gone starts afresh with its task'}${options.afterDown === true ? '; after czar down, up resumes it' : ''}`,
    async () => {
      const resumed = 'Commit one for the keeper, then wait to be restarted.';
      // Not in the task's first line, which the other worker's preamble quotes as this worker's title.
      const fresh = 'These are the words of the stranger task.';
      const { endpoint, fx } = await upRealFleet(agent, {
        // The first turn ends with work left, so each is nudged once; no second rung before the crash.
        policy: { escalate_after: '5m' },
        workers: [
          {
            name: 'keeper',
            task: task(
              resumed,
              commitRun('one'),
              'SAY: One is committed.',
              `ON "you were restarted" RUN ${commitRun('two').slice(5)} && czar report --state done --note "two committed"`,
            ),
          },
          { name: 'stranger', task: task('Commit uno for the stranger.', fresh, commitRun('uno'), 'SAY: Uno.') },
        ].filter((worker) => names.includes(worker.name)),
      });
      for (const name of names) {
        const nudge = await fx.waitForEvent('nudge', name, { timeoutMs: 90_000 });
        // Crashed between turns: after the nudge's turn ended, never while czar pastes.
        await waitFor(
          async () =>
            (await fx.events()).some(
              (event) =>
                event.worker === name &&
                event.kind === 'state' &&
                event.message.includes('-> idle') &&
                event.at > nudge.at,
            ),
          { timeoutMs: 60_000, what: `${name} idle after its nudge` },
        );
      }
      expect(await fx.commits('keeper')).toEqual(['add one']);
      if (names.includes('stranger')) {
        const gone = await recordsMentioning(fx.agent.home, fresh);
        expect(gone.length).toBeGreaterThan(0);
        await Promise.all(gone.map((file) => rm(file)));
      }
      const before = endpoint.requests.length;
      for (const name of names) await crash(fx, name);

      const starts = await Promise.all(
        names.map((name) => fx.waitForEvent('restart_start', name, { timeoutMs: 60_000 })),
      );
      expect(starts.map((event) => event.data?.start)).toEqual(['resume', 'fresh'].slice(0, names.length));
      if (names.includes('stranger'))
        expect(starts[1]?.message).toBe("starting afresh: no conversation of this worker is in its agent's records");

      // The keeper's model saw its earlier turns (the task, its first commit) with the restart note, and went on.
      await fx.waitForStatus((s) => workerIn(s, 'keeper').state === 'done', { timeoutMs: 90_000, what: 'keeper done' });
      expect(await fx.commits('keeper')).toEqual(['add two', 'add one']);
      const mainBodies = (): string[] =>
        endpoint.requests
          .slice(before)
          .filter((request) => request.kind === 'main')
          .map((request) => JSON.stringify(request.body));
      expect(
        mainBodies().some(
          (body) => body.includes('you were restarted') && body.includes(resumed) && body.includes('add one'),
        ),
      ).toBe(true);
      // The resumed conversation is kept in the keeper's launch record for the next restart.
      expect((await readLaunchRecord(fx.fleet.paths, 'keeper'))?.conversation).toMatch(/^[\w-]+$/);
      if (names.includes('stranger')) {
        // The stranger's agent started over: a new conversation that holds its whole task once, and no restart note.
        await expect.poll(() => mainBodies().some((body) => body.includes(fresh)), { timeout: 60_000 }).toBe(true);
        for (const body of mainBodies().filter((text) => text.includes(fresh))) {
          expect(body.split(fresh).length - 1).toBe(1);
          expect(body).not.toContain('you were restarted');
        }
        expect((await readLaunchRecord(fx.fleet.paths, 'stranger'))?.conversation).toBeUndefined();
      }
      expect(deliveryMismatches(await fx.events())).toEqual([]);
      if (options.afterDown !== true || !names.includes('stranger')) return;

      // As after a reboot: every agent gone, then up. The stranger's new conversation is its own by now, and goes on.
      expect((await fx.czar(['down'])).exitCode).toBe(0);
      await fx.up();
      const again = await fx.waitForEvent('restart_start', 'stranger', {
        match: (event) => event.data?.start === 'resume',
        timeoutMs: 60_000,
      });
      expect(again.message).toContain('holds its task');
      await expect
        .poll(() => mainBodies().some((body) => body.includes('you were restarted') && body.includes(fresh)), {
          timeout: 60_000,
        })
        .toBe(true);
    },
    240_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
}
