import type { SignalTable } from './signals.js';

/**
 * The simulated agent writes its reports itself, as Claude Code's hooks would: a failed turn goes through Claude's
 * StopFailure row, so, as for Claude, its error line is not read.
 */
export const SIM_SIGNALS: SignalTable = { preset: 'sim', hooks: [], apiErrorScreens: [] };
