import { describe } from 'vitest';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { itAlertsOnRefusal, itWorksAndGetsBonus } from '../helpers/real-scenarios.js';

// Real Gemini CLI, supervised by czar through `czar up --detach`, its model played by a scripted endpoint (the
// shared scenarios are in tests/helpers/real-scenarios.ts).
const missing = realAgentsMissing('gemini');

describe.skipIf(missing !== '')(`real Gemini CLI under czar${missing}`, () => {
  itWorksAndGetsBonus('gemini');

  // Gemini's AfterAgent hook (a plain turn end: the error is only on its screen) can reach czar before the screen's
  // "✕ [API Error: ...]" line: a reported turn end waits a moment for the screen, so no nudge goes out meanwhile.
  itAlertsOnRefusal('gemini', 'scripted refusal: the request names no such model', 'scripted refusal');
});
