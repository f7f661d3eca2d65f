import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { NO_SIGNALS } from '../signals.js';

/**
 * A terminal program czar has no preset for, taken to be an agent: it gets czar's messages as any agent does (the
 * preamble that says how to report, nudges, re-briefs, fix-ups, bonus tasks, a sub-worker's news). With no prompt to
 * recognise, "ready" follows its screen: something is drawn and then kept still, for a moment once the program has
 * turned bracketed paste on (a TUI waiting for input does so) and for `settleMs` otherwise. Submission is seen as the
 * screen changing after Enter. A person's `ready:`, `busy:` and `waiting:` in czar.yaml say more where they can.
 */
export const customPreset: AgentPreset = {
  name: 'custom',
  defaults: PRESET_DEFAULTS.custom,
  isReady: (screen) => screen.trim() !== '',
  settleMs: 500,
  pasteModeSettleMs: 100,
  isBusy: () => false,
  isWaiting: () => false,
  dialogs: [],
  fatal: [],
  submitDelayMs: 200,
  readyTimeoutMs: 15_000,
  interruptKeys: ['C-c'],
  reportsTurnStart: false,
  signals: NO_SIGNALS,
  setup: () => ({ files: [], args: [], env: {} }),
};
