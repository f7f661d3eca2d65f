import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { deliveryMismatches, itPassesTheScenarios, task, upRealFleet } from '../helpers/real-scenarios.js';

// Real GitHub Copilot CLI, supervised by czar through `czar up --detach`, its model played by the scripted Chat
// Completions endpoint (tests/helpers/chat-completions.ts) as its own provider. Its hooks come in czar's plugin
// (`--plugin-dir`); its folder trust is answered by czar, for this session only.
const missing = realAgentsMissing('copilot');

describe.skipIf(missing !== '')(`real GitHub Copilot CLI under czar${missing}`, () => {
  itPassesTheScenarios('copilot', { exactUsage: true });

  itResumesItsConversation('copilot');

  // As a new user runs it: no --yolo, so each command asks first; the trust box is answered, the question is not.
  it(
    "with a new user's defaults: its folder trust answered, a command's permission prompt reported as waiting",
    async () => {
      const { fx } = await upRealFleet('copilot', {
        agentOptions: { allowShell: false },
        workers: [{ name: 'asker', task: task('Write the notes.', 'RUN: echo notes > notes.txt', 'SAY: Noted.') }],
      });
      await fx.waitForStatus(
        (s) =>
          workerIn(s, 'asker').state === 'waiting' &&
          workerIn(s, 'asker').alerts.some((alert) => alert.kind === 'waiting_input'),
        { timeoutMs: 90_000, what: 'asker waiting at its permission prompt' },
      );
      // Its notification hook named the command.
      await fx.waitForEvent('report', 'asker', {
        match: (event) => event.message.includes('permission requested: Run command: echo notes > notes.txt'),
      });
      const events = await fx.events();
      expect(
        events.filter((event) => event.kind === 'dialog' && event.worker === 'asker').map((e) => e.message),
      ).toEqual([expect.stringContaining('answered copilot-trust with 1: czar created this worktree')]);
      expect(deliveryMismatches(events)).toEqual([]);
      // Its native binary was unpacked into the person's cache folder, not under the agent's HOME (235 MB each).
      expect(existsSync(path.join(fx.agent.home, '.cache', 'copilot'))).toBe(false);
    },
    180_000 * REAL_AGENT_TIMEOUT_SCALE,
  );
});
