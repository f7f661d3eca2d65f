import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/domain/model/words.js';
import { workerIn } from '../helpers/fleet-fixture.js';
import type { ModelEndpoint } from '../helpers/model-endpoint.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { deliveryMismatches, interventions, itAlertsOnRefusal, task, upRealFleet } from '../helpers/real-scenarios.js';
import { gitIn, isAncestor } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// Real Claude Code 2.1, supervised by czar through `czar up --detach`, its model played by a scripted endpoint:
// every RUN line is a Bash tool call that really runs in the worker's worktree (see tests/helpers/model-endpoint.ts).
const missing = realAgentsMissing('claude');
const of = (events: readonly FleetEvent[], worker: string, kind: string): FleetEvent[] =>
  events.filter((event) => event.worker === worker && event.kind === kind);
/** Whether a request to the model carried `text` (a tool result, a nudge) back from the agent. */
const sentToModel = (endpoint: ModelEndpoint, text: string): boolean =>
  endpoint.requests.some((request) => JSON.stringify(request.body).includes(text));

describe.skipIf(missing !== '')(`real Claude Code under czar${missing}`, () => {
  it(
    'works, reports and reads peers from its own Bash, gets a bonus and stays done; a turn with work left is nudged; a killed agent is restarted with its task; a permission prompt is waiting',
    async () => {
      const { endpoint, fx } = await upRealFleet('claude', {
        // stuck_after is short so that a silent minute-long turn would be caught if hooks were not believed.
        policy: { stuck_after: '5s' },
        workers: [
          {
            name: 'greeter',
            task: task(
              'Write the greeting and commit it.',
              'RUN: echo hello > hello.txt && git add hello.txt && git commit -qm "add hello"',
              'RUN: czar report --task greeter --state done --note "hello committed"',
              'SAY: Finished.',
            ),
          },
          { name: 'quitter', task: task('Write the report.', 'SAY: I will stop here for now.') },
          {
            name: 'sleeper',
            task: task('Think for a long time, then answer.', 'SLEEP: 25', 'SAY: Thought it through.'),
          },
          { name: 'victim', task: task('A long job.', 'SLEEP: 40', 'SAY: Long job over.') },
          {
            name: 'asker',
            task: task(
              'Write notes with the Write tool.',
              'TOOL: Write {"file_path": "notes.txt", "content": "notes"}',
              'SAY: Notes written.',
            ),
          },
        ],
        bonus: [
          {
            name: 'farewell',
            // By now the czar has written the fleet status that `czar peers` reads.
            task: task(
              'Write the farewell and commit it.',
              'RUN: czar peers',
              'RUN: echo bye > bye.txt && git add bye.txt && git commit -qm "add bye"',
              'RUN: czar report --task farewell --state done --note "bye committed"',
              'SAY: Finished too.',
            ),
          },
        ],
      });

      // A permission prompt for a tool it may not use: waiting, with an alert for the person.
      await fx.waitForStatus(
        (s) =>
          workerIn(s, 'asker').state === 'waiting' &&
          workerIn(s, 'asker').alerts.some((alert) => alert.kind === 'waiting_input'),
        { timeoutMs: 90_000, what: 'asker waiting at its permission prompt' },
      );
      // Its PermissionRequest hook named the tool.
      await fx.waitForEvent('report', 'asker', {
        match: (event) => event.message.includes('permission requested: Write'),
      });

      // The agent process killed mid-turn: restarted, and its task sent again.
      await fx.waitForEvent('task_delivered', 'victim', { timeoutMs: 60_000 });
      const pane = await waitFor(() => fx.fleet.tmux.paneIdOf('victim'), { what: 'the victim pane' });
      const pid = (await fx.fleet.tmux.cmd(['display-message', '-p', '-t', pane, '#{pane_pid}'])).stdout.trim();
      await execa('kill', ['-KILL', pid]);
      await fx.waitForEvent('restart', 'victim', { timeoutMs: 30_000 });
      await waitFor(async () => of(await fx.events(), 'victim', 'task_delivered').length >= 2, {
        timeoutMs: 60_000,
        what: 'the task delivered again to victim',
      });

      // Work, reports and peers from inside Claude's Bash tool; done; the bonus; still done after the turn's Stop hook.
      const done = await fx.waitForStatus(
        (s) => workerIn(s, 'greeter').tasks.length === 2 && workerIn(s, 'greeter').state === 'done',
        { timeoutMs: 90_000, what: 'greeter done with its bonus task' },
      );
      expect(workerIn(done, 'greeter').tasks).toEqual(['greeter', 'farewell']);
      expect(await fx.commits('greeter')).toEqual(['add bye', 'add hello']);
      expect(sentToModel(endpoint, 'quitter (')).toBe(true); // `czar peers` printed the other workers into the tool result
      expect(sentToModel(endpoint, 'command not found')).toBe(false);

      // The turn that ran for 25 s without a word from the model was never stuck: its hooks said it was working.
      const turnOver = await fx.waitForEvent('state', 'sleeper', {
        match: (event) => event.message.startsWith('working -> idle'),
        timeoutMs: 60_000,
      });
      const submitted = await fx.waitForEvent('submitted', 'sleeper');
      expect(Date.parse(turnOver.at) - Date.parse(submitted.at)).toBeGreaterThan(20_000);
      expect(
        of(await fx.events(), 'sleeper', 'state')
          .map((event) => event.message)
          .filter((message) => /stuck/.test(message)),
      ).toEqual([]);

      // The turn that ended with work left was nudged, and the nudge reached the model.
      await fx.waitForEvent('nudge', 'quitter', { timeoutMs: 30_000 });
      await waitFor(() => sentToModel(endpoint, 'Worker quitter:'), {
        timeoutMs: 30_000,
        what: 'the nudge at the model',
      });

      // greeter stayed done through its last turn end: no nudge, re-brief or restart.
      expect(interventions(await fx.events(), 'greeter')).toEqual([]);
      expect(workerIn((await fx.status())!, 'greeter').state).toBe('done');
      // Every task, first pastes, the bonus and the restart's, is in the transcripts as czar pasted it.
      expect(deliveryMismatches(await fx.events())).toEqual([]);
    },
    300_000 * REAL_AGENT_TIMEOUT_SCALE,
  );

  itResumesItsConversation('claude', { afterDown: true });

  itAlertsOnRefusal('claude', 'messages.0.content: scripted invalid request', 'scripted invalid request');

  it(
    'a rate limit is waited out, then the work goes on',
    async () => {
      const { endpoint, fx } = await upRealFleet('claude', {
        workers: [
          {
            name: 'limited',
            task: task(
              'Write the file and commit it.',
              'FAIL-TIMES: 1 429 Number of requests has exceeded your rate limit',
              'RUN: echo later > later.txt && git add later.txt && git commit -qm "add later"',
              'RUN: czar report --task limited --state done --note "later committed"',
              'SAY: Finished.',
            ),
          },
        ],
      });
      // czar saw the rate limit for what it is, waited (restart.backoff), then sent one "continue".
      await fx.waitForEvent('alert', 'limited', {
        match: (event) =>
          event.message.includes('rate limit') && event.message.includes('Number of requests has exceeded'),
        timeoutMs: 60_000,
      });
      const done = await fx.waitForStatus((s) => workerIn(s, 'limited').state === 'done', {
        timeoutMs: 120_000,
        what: 'limited done after the rate limit',
      });
      expect(await fx.commits('limited')).toEqual(['add later']);
      expect(workerIn(done, 'limited').restarts).toBe(0);
      // The first call was refused; the two after czar's message (the commit's and the report's) were answered. The
      // last answer, the one to the report's result, may still be on its way when the report lands.
      const answered = new Set(endpoint.usage.map((entry) => entry.request));
      const mainCalls = endpoint.requests.flatMap((request, index) => (request.kind === 'main' ? [index] : []));
      expect(answered.has(mainCalls[0]!)).toBe(false);
      expect(mainCalls.slice(1).filter((index) => answered.has(index)).length).toBeGreaterThanOrEqual(2);
      for (const kind of ['rebrief', 'restart']) expect(of(await fx.events(), 'limited', kind), kind).toEqual([]);
    },
    240_000 * REAL_AGENT_TIMEOUT_SCALE,
  );

  // A sprint as czar runs it by itself: checks, an integration branch, a predicted conflict and a bonus task. czar's
  // own messages (the conflict warning, the fix-ups) start turns of Claude Code's that its hooks report like any
  // other; none of them may make a finished worker unfinished, and no finished worker is ever nudged.
  it(
    'runs a sprint to its end by itself: a failed check and an integration conflict fixed up, a bonus task, no finished worker nudged',
    async () => {
      const append = (name: string): string =>
        `RUN: echo ${name} >> shared.txt && git add shared.txt && git commit -qm "${name} appends"`;
      const done = (name: string): string => `RUN: czar report --state done --note "${name} done"`;
      // A fix-up of the integration merge: merge the integration branch, keep both sides, commit, report done.
      const merge =
        'ON "could not go into the integration branch" RUN git merge czar/integration; printf \'base\\nalpha\\nbeta\\n\' > shared.txt && git add shared.txt && git commit -qm "merge czar/integration" && czar report --state done';
      const files = [{ name: 'files', run: 'test -f shared.txt' }];
      const { fx } = await upRealFleet('claude', {
        policy: { bonus: 'auto' },
        workers: [
          {
            name: 'alpha',
            task: task('Append alpha to shared.txt.', append('alpha'), done('alpha'), merge, 'SAY: Finished.'),
            checks: files,
          },
          {
            name: 'beta',
            task: task('Append beta to shared.txt.', append('beta'), done('beta'), merge, 'SAY: Finished.'),
            checks: files,
          },
          {
            name: 'gamma',
            task: task(
              'Write gamma.txt.',
              'RUN: echo gamma > gamma.txt && git add gamma.txt && git commit -qm "add gamma"',
              done('gamma'),
              'ON "does not pass its checks yet" RUN echo fixed >> gamma.txt && git commit -qam "fix gamma" && czar report --state done',
              'SAY: Finished.',
            ),
            // Fails once (it leaves a mark in the repo's git dir), then passes: the fix-up must bring a new commit.
            checks: [
              {
                name: 'once',
                run: 'mark="$(git rev-parse --git-common-dir)/gamma-checked"; test -e "$mark" || { touch "$mark"; echo "gamma is not ready"; exit 1; }',
              },
            ],
          },
        ],
        bonus: [
          {
            name: 'extra',
            task: task(
              'Write extra.txt.',
              'RUN: echo extra > extra.txt && git add extra.txt && git commit -qm "add extra"',
              'RUN: czar report --task extra --state done',
              'SAY: Finished too.',
            ),
          },
        ],
        files: { 'shared.txt': 'base\n' },
      });
      // czar's merge commits need an identity; a person's repo has one.
      await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
      await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);

      await fx.waitForEvent('sprint_over', undefined, { timeoutMs: 240_000 });
      const status = (await fx.status())!;
      for (const name of ['alpha', 'beta', 'gamma']) {
        expect(workerIn(status, name).state, name).toBe('verified');
        expect(await isAncestor(fx.repo, `czar/${name}`, 'czar/integration'), `${name} integrated`).toBe(true);
      }
      const events = await fx.events();
      expect(events.filter((event) => event.kind === 'bonus').map((event) => event.message)).toEqual([
        expect.stringContaining('(extra)'),
      ]);
      expect(events.some((event) => event.kind === 'fixup' && event.worker === 'gamma')).toBe(true);
      expect(events.some((event) => event.kind === 'integration_undone')).toBe(true);
      // Every scripted turn ends with its done report, so czar never had cause to nudge anyone: a nudge here is a
      // finished worker knocked back by czar's own message, or a turn end from before a task charged to it.
      for (const name of ['alpha', 'beta', 'gamma']) {
        expect(interventions(events, name), name).toEqual([]);
        expect(
          events.filter(
            (event) => event.worker === name && event.kind === 'alert' && event.message.startsWith('idle_unfinished'),
          ),
          name,
        ).toEqual([]);
      }
    },
    300_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
});
