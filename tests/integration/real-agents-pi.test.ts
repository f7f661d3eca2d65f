import { describe } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { itPassesTheScenarios } from '../helpers/real-scenarios.js';

// Real pi, supervised by czar through `czar up --detach`, its model played by the scripted Chat Completions
// endpoint (tests/helpers/chat-completions.ts). pi has no hooks: czar's extension (bin/czar-pi-extension.js) reports.
const missing = realAgentsMissing('pi');

describe.skipIf(missing !== '')(`real pi under czar${missing}`, () => {
  itPassesTheScenarios('pi');
  itResumesItsConversation('pi');
});
