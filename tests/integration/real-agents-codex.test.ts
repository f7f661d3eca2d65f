import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { interventions, itAlertsOnRefusal, itWorksAndGetsBonus, task, upRealFleet } from '../helpers/real-scenarios.js';

// Real Codex, supervised by czar through `czar up --detach`, its model played by a scripted endpoint (the shared
// scenarios are in tests/helpers/real-scenarios.ts).
const missing = realAgentsMissing('codex');

describe.skipIf(missing !== '')(`real Codex under czar${missing}`, () => {
  itWorksAndGetsBonus('codex');

  itResumesItsConversation('codex');

  itAlertsOnRefusal('codex', 'scripted refusal: the request names no such model', 'scripted refusal');

  it(
    'a turn that outlasts idle_after is not nudged, and ends done',
    async () => {
      const { fx } = await upRealFleet('codex', {
        workers: [
          {
            name: 'thinker',
            task: task(
              'Think, then commit.',
              'SLEEP: 15',
              'RUN: echo thought > thought.txt && git add thought.txt && git commit -qm "add thought"',
              'RUN: czar report --task thinker --state done --note "thought committed"',
              'SAY: Finished.',
            ),
          },
        ],
      });
      await fx.waitForStatus((s) => workerIn(s, 'thinker').state === 'done', {
        timeoutMs: 90_000,
        what: 'thinker done',
      });
      expect(await fx.commits('thinker')).toEqual(['add thought']);
      expect(interventions(await fx.events(), 'thinker')).toEqual([]);
    },
    180_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
});
