import type { AgentPreset } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { NO_SIGNALS } from '../signals.js';
import { claudeTranscripts } from '../claude/transcripts.js';
import { simReviewMode } from './review.js';

// Screen markers of czar's simulated agent (src/sim/screen.ts); tests/integration/sim-agent.test.ts checks these
// patterns against the real program's screens.
const INPUT_LINE = /^│ › /m;
const INPUT_TEXT = /^│ › (.*?)\s*│\s*$/;
const INPUT_BOTTOM = /^╰─+╯/m;
const TRUST = /Do you trust the files in this folder\?/;
const BUSY = /esc to interrupt/;
const QUESTION = /\(y\/n\)/;

/** The simulated agent: behaves like Claude Code's TUI closely enough to exercise every delivery path. */
export const simPreset: AgentPreset = {
  name: 'sim',
  defaults: PRESET_DEFAULTS.sim,
  isReady: (screen) =>
    INPUT_LINE.test(screen) && INPUT_BOTTOM.test(screen) && !TRUST.test(screen) && !QUESTION.test(screen),
  inputText: simInputText,
  isBusy: (screen) => BUSY.test(screen),
  isWaiting: (screen) => QUESTION.test(screen),
  dialogs: [
    {
      id: 'sim-trust',
      match: TRUST,
      // The highlight starts on "2. No, exit": Enter would quit, so the digit picks "Yes" explicitly.
      keys: ['1'],
      why: 'the worker runs in a worktree czar created for it; "1" selects "1. Yes, proceed" whatever is highlighted',
    },
  ],
  fatal: [],
  submitDelayMs: 60,
  readyTimeoutMs: 15_000,
  interruptKeys: ['Escape'],
  reportsTurnStart: true,
  // It reports itself as Claude Code's hooks would: a failed turn goes through Claude's StopFailure row, so its
  // error line is not read.
  signals: NO_SIGNALS,
  // It writes Claude-shaped transcripts (`@sim usage`).
  transcripts: claudeTranscripts,
  review: simReviewMode,
  setup: () => ({ files: [], args: [], env: {} }),
};

/** The text in the sim's input box (long input shows its tail), or undefined when no input box is drawn. */
function simInputText(screen: string): string | undefined {
  const line = screen.split('\n').findLast((candidate) => INPUT_TEXT.test(candidate));
  return line === undefined ? undefined : (INPUT_TEXT.exec(line)?.[1] ?? '');
}
