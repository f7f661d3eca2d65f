import { describe, expect, it } from 'vitest';
import type { FleetEvent } from '../../src/domain/model/words.js';
import { cpuHog } from '../helpers/cpu-hog.js';
import { workerIn } from '../helpers/fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing, type RealAgent } from '../helpers/real-agents.js';
import { deliveryMismatches, interventions, task, upRealFleet } from '../helpers/real-scenarios.js';

// A real agent slowed by load is not judged idle, stuck or crashed for being slow. Busy loops on every core run from
// before `czar up` to the end, so each timing rule that reads the agent's screen meets a slow screen: the ready
// input box within ready_timeout (launch), the sign that the paste was submitted before Enter is pressed again
// (delivery), the busy line during a turn that says nothing for longer than stuck_after (working, not stuck or idle),
// a live pane (not crashed), and the turn's end (done, not nudged). The rules are shared; the screens are each agent's:
// Claude Code says its turns through hooks as well, Codex's turn is on its screen alone until it ends.

const SILENT_TURN_S = 20;

const THINKER = {
  name: 'thinker',
  task: task(
    'Think, then commit.',
    `SLEEP: ${SILENT_TURN_S}`,
    'RUN: echo thought > thought.txt && git add thought.txt && git commit -qm "add thought"',
    'RUN: czar report --task thinker --state done --note "thought committed"',
    'SAY: Finished.',
  ),
};

const judged = (events: readonly FleetEvent[], worker: string): string[] =>
  events
    .filter((event) => event.worker === worker && event.kind === 'state')
    .map((event) => event.message)
    .filter((message) => /-> (idle|stuck|crashed|starting)\b/.test(message));

function itIsNotJudgedForBeingSlow(agent: RealAgent): void {
  const missing = realAgentsMissing(agent);
  describe.skipIf(missing !== '')(`real ${agent} under a CPU hog${missing}`, () => {
    it(
      'launches, takes its task once, works through a silent turn longer than stuck_after and ends done',
      async () => {
        cpuHog(240 * REAL_AGENT_TIMEOUT_SCALE);
        const { endpoint, fx } = await upRealFleet(agent, {
          workers: [THINKER],
          // The silent turn outlasts both: only the agent's own signs of work keep it working.
          policy: { idle_after: '4s', stuck_after: '10s', escalate_after: '20s' },
        });
        const done = await fx.waitForStatus((s) => workerIn(s, 'thinker').state === 'done', {
          timeoutMs: 180_000,
          what: 'thinker done',
        });
        expect(workerIn(done, 'thinker').alerts).toEqual([]);
        expect(await fx.commits('thinker')).toEqual(['add thought']);
        const events = await fx.events();
        expect(judged(events, 'thinker')).toEqual([]);
        expect(interventions(events, 'thinker')).toEqual([]);
        expect(events.filter((event) => event.kind === 'task_delivered' && event.worker === 'thinker')).toHaveLength(1);
        expect(deliveryMismatches(events)).toEqual([]);
        // Submitted once: an Enter pressed again on a slow screen must not send the task a second time.
        const last = JSON.stringify(endpoint.requests.at(-1)?.body ?? '');
        expect(last.split('Think, then commit.').length - 1).toBe(1);
      },
      300_000 * REAL_AGENT_TIMEOUT_SCALE,
    );
  });
}

itIsNotJudgedForBeingSlow('claude');
itIsNotJudgedForBeingSlow('codex');
