import { describe, expect } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { interventions, itPassesTheScenarios, task } from '../helpers/real-scenarios.js';

// Real Codex, supervised by czar through `czar up --detach`, its model played by a scripted endpoint (the shared
// scenarios are in tests/helpers/real-scenarios.ts).
const missing = realAgentsMissing('codex');

describe.skipIf(missing !== '')(`real Codex under czar${missing}`, () => {
  // Beside the shared scenarios: a turn that outlasts idle_after is not nudged, and ends done.
  itPassesTheScenarios('codex', {
    exactUsage: true,
    extra: {
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
      async check(fx) {
        await fx.waitForStatus((s) => s.workers.some((w) => w.name === 'thinker' && w.state === 'done'), {
          timeoutMs: 90_000,
          what: 'thinker done',
        });
        expect(await fx.commits('thinker')).toEqual(['add thought']);
        expect(interventions(await fx.events(), 'thinker')).toEqual([]);
      },
    },
  });

  itResumesItsConversation('codex');
});
