import { czarBinFile } from '../bin-files.js';
import type { AgentPreset, SetupContext } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { isRule, lastIndex, screenLines } from '../screen-lines.js';
import { piResume } from './resume.js';
import { PI_SIGNALS } from './signals.js';
import { piTranscripts } from './transcripts.js';

/** The extension that reports pi's runs to czar. */
const extension = czarBinFile('czar-pi-extension.js');

/** The footer's context share, e.g. "0.0%/128k (auto)" or "↑1.8k ↓80 R600 1.0%/128k (auto)". */
const FOOTER = /\d%\/\d+k?\b/;

/**
 * The editor: the lines between the last two full-width rules, with the footer (folder and branch, then the context
 * share and the model) under them. It has no prompt mark and no placeholder, so an empty editor is an empty text.
 */
export function piInputText(screen: string): string | undefined {
  const lines = screenLines(screen);
  const bottom = lastIndex(lines, isRule);
  const top = lastIndex(lines, isRule, bottom);
  if (top < 0 || !lines.slice(bottom + 1).some((line) => FOOTER.test(line))) return undefined;
  return lines
    .slice(top + 1, bottom)
    .map((line) => line.trim())
    .join('\n')
    .trim();
}

/**
 * pi (measured with 0.73.1). No dialogs and no approvals: its `bash` tool runs without asking. A running prompt shows
 * a "⠸ Working..." line above the editor ("Retrying (1/3) in 1s..." while it retries a 5xx); a long paste shows as
 * "[paste #1 +17 lines]". It has no hooks: czar loads an extension (`bin/czar-pi-extension.js`) that reports each
 * run's start and end, and its error.
 */
export const piPreset: AgentPreset = {
  name: 'pi',
  noApproval: { name: 'its only mode (it never asks)', args: [] },
  defaults: PRESET_DEFAULTS.pi,
  isReady: (screen) => piInputText(screen) !== undefined,
  settleMs: 300,
  inputText: piInputText,
  isBusy: (screen) => /Working\.\.\.|Retrying \(\d+\/\d+\) in/.test(screen),
  isWaiting: () => false,
  dialogs: [],
  fatal: [],
  submitDelayMs: 500,
  readyTimeoutMs: 30_000,
  // "escape interrupt" in its startup help; Esc shows "Operation aborted".
  interruptKeys: ['Escape'],
  reportsTurnStart: true,
  resume: piResume,
  signals: PI_SIGNALS,
  transcripts: piTranscripts,
  setup(context: SetupContext) {
    return {
      files: [],
      args: ['-e', extension],
      env: {
        CZAR_WORKER: context.worker,
        CZAR_PI_REPORT: JSON.stringify([...context.czarCommand, 'report', '--hook']),
      },
    };
  },
};
