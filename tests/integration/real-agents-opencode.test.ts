import { describe } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { itPassesTheScenarios } from '../helpers/real-scenarios.js';

// Real OpenCode, supervised by czar through `czar up --detach`, its model played by the scripted Chat Completions
// endpoint (tests/helpers/chat-completions.ts). OpenCode has no shell hooks and keeps its records in SQLite: czar's
// plugin (bin/czar-opencode-plugin.js) reports its turns and writes the records czar reads.
const missing = realAgentsMissing('opencode');

describe.skipIf(missing !== '')(`real OpenCode under czar${missing}`, () => {
  itPassesTheScenarios('opencode');
  // Each OpenCode start costs about 15 s of CPU: its resume is run alone, the fresh start after lost records with the others.
  itResumesItsConversation('opencode', { resumeOnly: true });
});
