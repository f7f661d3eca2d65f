import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { openCodeSetup, opencodePreset } from '../opencode/preset.js';

/**
 * Kilo (measured with 7.7.7; 7.8.1 does not install: its platform packages are not in the registry), a fork of
 * OpenCode with the same screens, plugins, records and `--session` resume. Its variables are named `KILO_`, its
 * agent "Code" stands where OpenCode's "Build" does, and its empty box says "Ask anything...". czar's OpenCode plugin
 * serves it unchanged: it reports the turns and writes the records czar reads (`bin/czar-opencode-plugin.js`).
 * Its `code` agent ran `echo`, `git add` and `git commit` without asking; `permission.bash: ask` asks, `--auto` never.
 */
export const kiloPreset: AgentPreset = {
  ...opencodePreset,
  name: 'kilo',
  noApproval: { name: 'auto mode', args: ['--auto'] },
  defaults: PRESET_DEFAULTS.kilo,
  // Measured: 45-60 s from start to the input box on a loaded two-core machine.
  readyTimeoutMs: 180_000,
  // Under load, a turn may stop at "Do you want to disable Snapshots for this repository?" (its undo history of file
  // changes): a question for the person, as its permission prompts are.
  isWaiting: (screen) =>
    opencodePreset.isWaiting(screen) || /Do you want to disable Snapshots for this repository\?/.test(screen),
  setup: openCodeSetup('KILO'),
  install: {
    npm: '@kilocode/cli@7.7.7',
    signIn:
      'a Kilo account (run "kilo" and sign in once) or a provider of your own in ~/.config/kilo/kilo.json (as OpenCode\'s: "provider", "model")',
  },
};
