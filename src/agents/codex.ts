import type { AgentPreset, SetupContext } from './preset.js';
import { PRESET_DEFAULTS } from './defaults.js';

/**
 * Codex CLI (measured with 0.169.0 only up to its sign-in screen: offline it stops there even with a saved key, so
 * the ready, busy and trust patterns below come from its documented TUI, not from a captured screen).
 */
export const codexPreset: AgentPreset = {
  name: 'codex',
  defaults: PRESET_DEFAULTS.codex,
  // The composer prompt is `›` (U+203A); the sign-in menu uses a plain `>`. Measured: for about a second at start
  // Codex draws its big braille logo over a demo composer ("› Ask Codex to do anything") and then replaces it with
  // the sign-in screen, so the logo means "not yet" and the screen must hold still longer than that.
  isReady: (screen) => /^\s*›\s/m.test(screen) && !/⣿⣿⣿/.test(screen) && !/Sign in with ChatGPT/.test(screen),
  settleMs: 1_500,
  isBusy: (screen) => /esc to interrupt/i.test(screen),
  isWaiting: (screen) => /Allow command\?|Would you like to (?:run|make) |Yes, proceed|\(y\/n\)/i.test(screen),
  dialogs: [
    {
      id: 'codex-trust',
      match: /(?:Do you trust the contents of this directory|allow Codex to work in this folder)[\s\S]*1\. Yes/i,
      keys: ['1'],
      why: 'czar created this worktree for the worker; "1" picks "Yes" explicitly',
    },
  ],
  fatal: [
    {
      match: /Sign in with ChatGPT|Sign in with Device Code/,
      message: 'Codex is showing its sign-in screen; run "codex login" in a normal terminal first, then start the worker again.',
    },
  ],
  // openai/codex#28167: an Enter in the same read as the paste end wedges the composer.
  submitDelayMs: 500,
  readyTimeoutMs: 30_000,
  // `notify` only reports turn ends, not prompt submission or approval waits, so the pane stays the main signal.
  // "esc to interrupt" on its busy line.
  interruptKeys: ['Escape'],
  reportsItself: false,
  setup(context: SetupContext) {
    // `-c key=value` takes TOML; a JSON array of strings is valid TOML. Codex appends the event JSON as the last argument.
    const notify = JSON.stringify([...context.czarCommand, 'report', '--hook', 'agent-turn-complete']);
    return { files: [], args: ['-c', `notify=${notify}`], env: { CZAR_WORKER: context.worker } };
  },
};
