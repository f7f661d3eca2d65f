import { describe } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itPassesTheScenarios } from '../helpers/real-scenarios.js';

// Real OpenCode, supervised by czar through `czar up --detach`, its model played by the scripted Chat Completions
// endpoint (tests/helpers/chat-completions.ts). OpenCode has no shell hooks and keeps its records in SQLite: czar's
// plugin (bin/czar-opencode-plugin.js) reports its turns and writes the records czar reads.
// Each OpenCode start costs about 14 s of CPU, five times another CLI's, so CI runs the shared scenarios only: its
// resume (`--session` with the id from the plugin's records) is checked on recorded records in unit/resume, and the
// restart path itself with the five other agents.
const missing = realAgentsMissing('opencode');

describe.skipIf(missing !== '')(`real OpenCode under czar${missing}`, () => {
  itPassesTheScenarios('opencode');
});
