import path from 'node:path';
import { czarBinFile } from '../bin-files.js';
import type { AgentPreset, Dialog, SetupContext } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { shellQuote } from '../hook-settings.js';
import type { Signals } from '../signals.js';
import { ruledBox } from '../screen-lines.js';
import { auggieTranscripts } from './transcripts.js';
import { auggieResume } from './resume.js';
import { auggieReview } from './review.js';

/**
 * Auggie (measured with 0.36.0). Its first start in a HOME shows a welcome screen and three tips, each "Press return
 * to continue, or esc to skip"; every start in a folder it was not told to index asks whether to index it. The input
 * box is a `›` line between two full-width rules, over a footer ("? to show shortcuts" when empty, the folder on its
 * right); a turn shows a spinner line above the box, "⠚ Executing tools... (2s • esc to interrupt)". Commands run
 * without asking by default.
 */
const dialogs: readonly Dialog[] = [
  {
    id: 'auggie-welcome',
    match: /(?:Welcome to Augment Code!|Tips for using Auggie)[\s\S]*Press return to continue, or esc to skip/,
    keys: ['Escape'],
    why: 'its first-run introduction and tips; Esc skips them, and Auggie notes they were shown',
  },
  {
    id: 'auggie-indexing',
    match: /Workspace Indexing Permission[\s\S]*\[4\] Skip indexing for this session/,
    keys: ['4'],
    why: "czar does not upload a worktree to Augment's index unasked; 4 skips indexing for this session only, writing no setting (--allow-indexing in the agent's args indexes instead)",
  },
];

interface InputBox {
  readonly text: string;
  /** The lines above the box: where the turn's spinner is drawn. */
  readonly above: string;
}

function inputBox(screen: string): InputBox | undefined {
  const box = ruledBox(screen, '›');
  return box === undefined
    ? undefined
    : { text: box.text, above: box.lines.slice(Math.max(0, box.top - 3), box.top).join('\n') };
}

/** What the input box holds ('' when empty), or undefined when no input box is drawn. */
export function auggieInputText(screen: string): string | undefined {
  return inputBox(screen)?.text;
}

/** A turn runs: the spinner line over the box says "esc to interrupt". */
export function auggieIsBusy(screen: string): boolean {
  return /\(\d+s • esc to interrupt\)/.test(inputBox(screen)?.above ?? '');
}

/**
 * Auggie's hooks (Claude Code's shape, `hooks` in its settings.json) load only from the person's
 * `~/.augment/settings.json`, a workspace's `.augment/settings.json` or a plugin, and fire only when the backend turns
 * them on; czar writes into none of them, so a turn's start and end are read from the screen. An API error is its
 * line under the prompt: `API Error: "invalidArgument: HTTP error: 400 Bad Request"`.
 */
const AUGGIE_SIGNALS: Signals = {
  hooks: [],
  apiErrorScreens: [{ id: 'auggie-api-error', match: /^\s*(API Error:.*)$/m }],
};

/**
 * Auggie's built-in tools that act (0.36.0's tool list): its no-approval mode allows each by name, as it has no
 * wildcard rule. Its first matching `--permission` rule wins over later ones and over its settings' rules (read in its
 * bundle), so these, put first, win over an `ask-user` rule of the person's.
 */
const AUGGIE_ACTING_TOOLS = [
  'launch-process',
  'write-process',
  'kill-process',
  'save-file',
  'str-replace-editor',
  'apply_patch',
  'remove-files',
  'web-fetch',
  'web-search',
];

export const auggiePreset: AgentPreset = {
  name: 'auggie',
  // One argument per rule (`--permission=<rule>`): czar leaves out the mode's arguments the command already holds.
  noApproval: {
    name: 'every acting tool allowed',
    args: AUGGIE_ACTING_TOOLS.map((tool) => `--permission=${tool}:allow`),
  },
  defaults: PRESET_DEFAULTS.auggie,
  isReady: (screen) => inputBox(screen) !== undefined && !dialogs.some((dialog) => dialog.match.test(screen)),
  settleMs: 500,
  inputText: auggieInputText,
  isBusy: auggieIsBusy,
  // Commands run unasked by default; a `--permission <tool>:ask-user` rule asks: "Tool Approval Required", then
  // "[A]llow [D]eny" under the command (measured).
  isWaiting: (screen) =>
    /Tool Approval Required[\s\S]*\[A\]llow \[D\]eny|Allow this tool call\?|Do you want to (?:allow|run)/i.test(screen),
  dialogs,
  fatal: [
    {
      match: /New to Augment\?[\s\S]*Login to continue/,
      message:
        'Auggie is not signed in; run "auggie login" once in a normal terminal (or set AUGMENT_SESSION_AUTH in the agent\'s env:), then start the worker again.',
    },
  ],
  submitDelayMs: 300,
  readyTimeoutMs: 90_000,
  interruptKeys: ['Escape'],
  reportsTurnStart: false,
  signals: AUGGIE_SIGNALS,
  transcripts: auggieTranscripts,
  resume: auggieResume,
  review: auggieReview,
  install: {
    npm: '@augmentcode/auggie@0.36.0',
    signIn:
      'an Augment account: run "auggie login" once (or set AUGMENT_SESSION_AUTH to the session JSON "auggie token print" gives)',
  },
  /**
   * Auggie runs each command in a login shell (`bash -l -c`, measured), whose profile sets PATH anew: without czar's
   * bin folder, `czar report` is "command not found". Its startup script, run before each command, puts it first
   * again. AUGMENT_DISABLE_AUTO_UPDATE: a worker's agent does not change version in the middle of a sprint.
   */
  setup(context: SetupContext) {
    const bin = path.dirname(czarBinFile('czar'));
    return {
      files: [],
      args: ['--startup-script', `export PATH=${shellQuote(bin)}:"$PATH"`],
      env: { CZAR_WORKER: context.worker, AUGMENT_DISABLE_AUTO_UPDATE: '1' },
    };
  },
};
