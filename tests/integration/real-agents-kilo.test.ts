import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { deliveryMismatches, itPassesTheScenarios, task, upRealFleet } from '../helpers/real-scenarios.js';

// Real Kilo 7.7.7 (an OpenCode fork), supervised by czar through `czar up --detach`, its model played by the scripted
// Chat Completions endpoint (tests/helpers/chat-completions.ts). czar's OpenCode plugin reports its turns and writes
// the records czar reads, as for OpenCode.
const missing = realAgentsMissing('kilo');

describe.skipIf(missing !== '')(`real Kilo under czar${missing}`, () => {
  itPassesTheScenarios('kilo', { exactUsage: true });

  itResumesItsConversation('kilo', { resumeOnly: true });

  // Without --auto, and with `bash` set to ask (its `code` agent ran these commands without asking in 7.7.7).
  it(
    "without --auto: a command's permission prompt reported as waiting",
    async () => {
      const { fx } = await upRealFleet('kilo', {
        agentOptions: { allowShell: false },
        workers: [
          {
            name: 'asker',
            task: task('Commit the notes.', 'RUN: echo notes > notes.txt && git add notes.txt', 'SAY: Noted.'),
          },
        ],
      });
      await fx.waitForStatus(
        (s) =>
          workerIn(s, 'asker').state === 'waiting' &&
          workerIn(s, 'asker').alerts.some((alert) => alert.kind === 'waiting_input'),
        { timeoutMs: 180_000, what: 'asker waiting at its permission prompt' },
      );
      await fx.waitForEvent('report', 'asker', {
        match: (event) => event.message.includes('permission requested'),
      });
      expect(deliveryMismatches(await fx.events())).toEqual([]);
    },
    300_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
});
