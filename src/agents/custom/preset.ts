import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { NO_SIGNALS } from '../signals.js';

/**
 * A terminal program czar has no prompt, busy marker or dialog to recognise (a program of the person's own, a plain
 * shell): "ready" is something drawn and then kept still for `settleMs`, submission the screen changing after Enter,
 * Ctrl-C (which stops a foreground job, and which a shell survives) its interrupt.
 */
export const UNKNOWN_PROGRAM: Omit<AgentPreset, 'name' | 'defaults'> = {
  isReady: (screen) => screen.trim() !== '',
  settleMs: 500,
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

/**
 * A terminal program czar has no preset for, taken to be an agent: it gets czar's messages as any agent does (the
 * preamble that says how to report, nudges, re-briefs, fix-ups, bonus tasks, a sub-worker's news). It is ready as
 * `UNKNOWN_PROGRAM` is, sooner once the program has turned bracketed paste on (a TUI waiting for input does so). A
 * person's `ready:`, `busy:` and `waiting:` in czar.yaml say more where they can.
 */
export const customPreset: AgentPreset = {
  ...UNKNOWN_PROGRAM,
  name: 'custom',
  defaults: PRESET_DEFAULTS.custom,
  pasteModeSettleMs: 100,
};
