import { describe } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itResumesItsConversation } from '../helpers/real-resume.js';
import { itPassesTheScenarios } from '../helpers/real-scenarios.js';

// Real Qwen Code, supervised by czar through `czar up --detach`, its model played by the scripted Chat Completions
// endpoint (tests/helpers/chat-completions.ts). Its hooks are Claude Code's, so they carry it; the screen is a fallback.
const missing = realAgentsMissing('qwen');

describe.skipIf(missing !== '')(`real Qwen Code under czar${missing}`, () => {
  itPassesTheScenarios('qwen');
  // The fresh start after lost records is czar's own path, run with the other agents: each Qwen Code start is a heavy
  // Node start, and CI's time is tight.
  itResumesItsConversation('qwen', { resumeOnly: true });
});
