import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { UNKNOWN_PROGRAM } from '../custom/preset.js';

/**
 * Any terminal program czar knows nothing about. With no prompt to recognise, "ready" means the program has drawn
 * something and then kept still: the screen is non-empty and unchanged for `settleMs` (500 ms, long enough for a
 * shell or REPL to finish its banner, short enough not to matter). Submission is confirmed by the screen changing
 * after Enter, since there is no input box to read and no busy marker. Whatever is pasted may run as commands, so it
 * gets its own task and nothing else, and Enter once: another would go to whatever the first one started.
 */
export const shellPreset: AgentPreset = {
  ...UNKNOWN_PROGRAM,
  name: 'shell',
  defaults: PRESET_DEFAULTS.shell,
  plainTask: true,
  enterOnce: true,
};
