import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { lastNonBlank, screenLines } from '../screen-lines.js';
import { NO_SIGNALS } from '../signals.js';

/**
 * Aider (not installed here; patterns from its prompt_toolkit UI): the prompt is `> ` (or `<mode>> `, `multi> `)
 * on the last line; confirmations end in "(Y)es/(N)o". It has no hook API, so the pane is the only signal.
 */
export const aiderPreset: AgentPreset = {
  name: 'aider',
  noApproval: { name: 'yes-always mode', args: ['--yes-always'] },
  defaults: PRESET_DEFAULTS.aider,
  isReady: (screen) => /^(?:[a-z-]+)?>(?:\s|$)/.test(lastNonBlank(screenLines(screen))),
  settleMs: 500,
  isBusy: (screen) => /Waiting for [\w./:-]+|Thinking\b/.test(screen),
  isWaiting: (screen) => /\(Y\)es\/\(N\)o/.test(screen),
  dialogs: [],
  fatal: [],
  submitDelayMs: 300,
  readyTimeoutMs: 60_000,
  // Aider stops a reply on Ctrl-C and keeps running (a second Ctrl-C soon after would exit).
  interruptKeys: ['C-c'],
  reportsTurnStart: false,
  signals: NO_SIGNALS,
  setup: () => ({ files: [], args: [], env: {} }),
};
