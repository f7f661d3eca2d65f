import { describe } from 'vitest';
import { realAgentsMissing, type RealAgent } from '../helpers/real-agents.js';
import { itWorksForANewUser } from '../helpers/real-scenarios.js';

// Each real agent with the settings a new user has (trust prompts on, no folder trusted and no key approved ahead),
// beside the pre-seeded settings of real-agents-<agent>: czar answers what such a user would see first.
const AGENTS: readonly (readonly [RealAgent, readonly string[]])[] = [
  ['claude', ['claude-trust', 'claude-api-key']],
  ['codex', ['codex-trust']],
  // Trusting the folder restarts Gemini CLI, which draws itself again below the old dialog.
  ['gemini', ['gemini-trust']],
  ['qwen', []],
  ['pi', []],
  ['opencode', []],
];

for (const [agent, dialogs] of AGENTS) {
  const missing = realAgentsMissing(agent);
  describe.skipIf(missing !== '')(`real ${agent} for a new user${missing}`, () => {
    itWorksForANewUser(agent, dialogs);
  });
}
