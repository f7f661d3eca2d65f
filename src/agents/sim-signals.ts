import { CLAUDE_SIGNALS } from './claude-signals.js';
import type { SignalTable } from './signals.js';

/**
 * The simulated agent writes its reports itself, as Claude Code's hooks would (a failed turn goes through Claude's
 * StopFailure row), and prints API errors the way Claude does.
 */
export const SIM_SIGNALS: SignalTable = { preset: 'sim', hooks: [], apiErrorScreens: CLAUDE_SIGNALS.apiErrorScreens };
