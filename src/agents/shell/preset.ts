import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { NO_SIGNALS } from '../signals.js';

/**
 * Any terminal program czar knows nothing about. With no prompt to recognise, "ready" means the program has drawn
 * something and then kept still: the screen is non-empty and unchanged for `settleMs` (500 ms, long enough for a
 * shell or REPL to finish its banner, short enough not to matter). Submission is confirmed by the screen changing
 * after Enter, since there is no input box to read and no busy marker. Whatever is pasted may run as commands, so it
 * gets its own task and nothing else, and Enter once: another would go to whatever the first one started.
 */
export const shellPreset: AgentPreset = {
  name: 'shell',
  defaults: PRESET_DEFAULTS.shell,
  isReady: (screen) => screen.trim() !== '',
  settleMs: 500,
  isBusy: () => false,
  isWaiting: () => false,
  dialogs: [],
  fatal: [],
  submitDelayMs: 200,
  readyTimeoutMs: 15_000,
  // A generic terminal program: Ctrl-C stops the foreground job; a shell survives it.
  interruptKeys: ['C-c'],
  reportsTurnStart: false,
  signals: NO_SIGNALS,
  plainTask: true,
  enterOnce: true,
  setup: () => ({ files: [], args: [], env: {} }),
};
