import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { gitIn, isAncestor } from '../helpers/git-repo.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing } from '../helpers/real-agents.js';
import { sentToModel, task, upRealFleet } from '../helpers/real-scenarios.js';
import { waitFor } from '../helpers/wait.js';

// Large tasks with real Claude Code 2.1 under czar, its model played by a scripted endpoint: a parent that splits its
// task among sub-workers from its own Bash tool, and a task with checkpoints whose agent is restarted halfway.
const missing = realAgentsMissing('claude');

/** A child's task as a `czar spawn --task` argument: bash's $'...' turns each \n into a line of the task. */
const childTask = (...lines: string[]): string => `$'${lines.join('\\n')}'`;

describe.skipIf(missing !== '')(`real Claude Code splitting and checkpointing its work${missing}`, () => {
  it(
    'a parent spawns two children from its Bash tool, merges the verified one when told, cancels the other, and only the parent is integrated',
    async () => {
      const kid1 = childTask(
        'Write one and commit it.',
        'RUN: echo one > one.txt && git add one.txt && git commit -qm "add one"',
        'RUN: czar report --state done --note "one committed"',
        'SAY: One is done.',
      );
      const kid2 = childTask('Take your time.', 'SLEEP: 300', 'SAY: Slow work over.');
      const { endpoint, fx } = await upRealFleet('claude', {
        checks: [{ name: 'readme', run: 'test -f README.md' }],
        policy: { spawn: { max_children: 2, max_depth: 1 }, escalate_after: '5m' },
        workers: [
          {
            name: 'p',
            task: task(
              'Split this work between two sub-workers.',
              `RUN: czar spawn kid1 --task ${kid1}`,
              `RUN: czar spawn kid2 --task ${kid2}`,
              'RUN: czar spawn --cancel kid2',
              'SAY: My sub-workers are on it.',
              'ON "git merge czar/kid1" RUN git merge --no-edit czar/kid1 && czar report --state done --note "kid1 merged"',
            ),
          },
        ],
      });

      const spawned = await fx.waitForStatus(
        (status) => ['kid1', 'kid2'].every((name) => status.workers.some((worker) => worker.name === name)),
        { timeoutMs: 90_000, what: 'two children' },
      );
      expect(workerIn(spawned, 'kid1').parent).toBe('p');
      // The child's own agent got its task, told whose sub-worker it is.
      await waitFor(() => sentToModel(endpoint, 'You are a sub-worker spawned by worker p'), {
        timeoutMs: 60_000,
        what: "kid1's brief at the model",
      });

      // kid1 verified -> the parent is told how to take it -> merges it and is done -> integrated alone.
      await waitFor(() => sentToModel(endpoint, 'git merge czar/kid1'), {
        timeoutMs: 120_000,
        what: "the parent's merge message at the model",
      });
      await fx.waitForEvent('integrated', 'p', { timeoutMs: 120_000 });
      const kid1Tip = await gitIn(fx.repo, ['rev-parse', 'czar/kid1']);
      expect(await isAncestor(fx.repo, kid1Tip, 'czar/p')).toBe(true);
      expect(await isAncestor(fx.repo, kid1Tip, 'czar/integration')).toBe(true);
      const events = await fx.events();
      expect(events.filter((event) => event.kind === 'integrated').map((event) => event.worker)).toEqual(['p']);
      const final = await fx.waitForStatus((status) => workerIn(status, 'kid2').state === 'stopped', {
        timeoutMs: 30_000,
        what: 'kid2 stopped',
      });
      expect(workerIn(final, 'p').children).toEqual([
        { name: 'kid1', owed: false },
        { name: 'kid2', owed: false },
      ]);
      expect(await fx.fleet.tmux.sessionExists('kid2')).toBe(false);
    },
    300_000 * REAL_AGENT_TIMEOUT_SCALE,
  );

  it(
    'an agent restarted after checkpoint 2 of 4 is told, in its own resumed conversation, which are done and to go on from 3',
    async () => {
      const { endpoint, fx } = await upRealFleet('claude', {
        policy: { escalate_after: '5m' },
        workers: [
          {
            name: 'stepper',
            task: task(
              'Build the pipeline in four steps.',
              '- [ ] Lexer',
              '- [ ] Parser',
              '- [ ] Printer',
              '- [ ] Docs',
              'RUN: echo lex > lexer.txt && git add lexer.txt && git commit -qm "add lexer" && czar report --checkpoint 1',
              'RUN: echo parse > parser.txt && git add parser.txt && git commit -qm "add parser" && czar report --checkpoint 2',
              'SAY: The printer is next.',
            ),
          },
        ],
      });
      await fx.waitForStatus((status) => workerIn(status, 'stepper').checkpoints?.done === 2, {
        timeoutMs: 120_000,
        what: 'two checkpoints reported',
      });
      const pane = await waitFor(() => fx.fleet.tmux.paneIdOf('stepper'), { what: "stepper's pane" });
      const pid = (await fx.fleet.tmux.cmd(['display-message', '-p', '-t', pane, '#{pane_pid}'])).stdout.trim();
      await execa('kill', ['-KILL', '--', `-${pid}`]);
      await fx.waitForEvent('restart_start', 'stepper', {
        match: (event) => event.data?.start === 'resume',
        timeoutMs: 60_000,
      });
      await waitFor(() => sentToModel(endpoint, 'you were restarted'), {
        timeoutMs: 90_000,
        what: 'the restart note at the model',
      });
      expect(
        sentToModel(endpoint, '2 of 4 are done already (ticked above, with their commits): go on from checkpoint 3'),
      ).toBe(true);
      expect(sentToModel(endpoint, '3. [ ] Printer')).toBe(true);
    },
    240_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
});
