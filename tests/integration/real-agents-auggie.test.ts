import { describe, expect } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { itPassesTheScenarios } from '../helpers/real-scenarios.js';

// Real Auggie, supervised by czar through `czar up --detach`, signed in to the scripted endpoint as its Augment
// backend (tests/helpers/augment-backend.ts). Each fleet starts it in a new HOME, so its first-run screens (the
// welcome and tips) and its indexing question come up for czar to answer in every worker.
const missing = realAgentsMissing('auggie');

describe.skipIf(missing !== '')(`real Auggie under czar${missing}`, () => {
  itPassesTheScenarios('auggie', {
    exactUsage: true,
    // Auggie shows the status of a refused call, not the API's message.
    refusalShown: '400 Bad Request',
    extra: {
      workers: [],
      async check(fx) {
        const answered = (await fx.events())
          .filter((event) => event.kind === 'dialog' && event.worker === 'builder')
          .map((event) => event.message);
        expect(answered).toEqual([
          expect.stringContaining('answered auggie-welcome with Escape'),
          expect.stringContaining('answered auggie-indexing with 4'),
        ]);
      },
    },
  });

  itResumesItsConversation('auggie', { resumeOnly: true });
});
