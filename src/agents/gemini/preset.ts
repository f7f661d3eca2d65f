import type { AgentPreset, Dialog, SetupContext } from '../preset.js';
import { geminiResume } from './resume.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { hookTable } from '../hook-settings.js';
import { isRule, lastIndex, screenLines } from '../screen-lines.js';
import { GEMINI_SIGNALS } from './signals.js';
import { geminiTranscripts } from './transcripts.js';
import { geminiReview } from './review.js';

/**
 * Gemini CLI (measured with 0.61.0). The input box is a ` > ` line (` * ` in YOLO mode) under the last rule, with the placeholder
 * "Type your message or @path/to/file" when empty, followed by the "workspace (/directory)" footer; a running
 * turn shows a braille spinner with "(esc to cancel, Ns)".
 */
const dialogs: readonly Dialog[] = [
  {
    id: 'gemini-trust',
    // After the answer the dialog stays drawn under "Gemini CLI is restarting to apply the trust changes...".
    match: /Do you trust the files in this folder\?(?![\s\S]*is restarting)[\s\S]*1\. Trust folder/,
    shown: /Do you trust the files in this folder\?/,
    keys: ['1'],
    why: 'czar created this worktree for the worker; "1" picks "Trust folder" (this folder only, not its parent) explicitly',
  },
  {
    id: 'gemini-auth-api-key',
    match: /2\. Use Gemini API Key[\s\S]*Existing API key detected \(GEMINI_API_KEY\)/,
    keys: ['2'],
    why: 'the worker was started with GEMINI_API_KEY, so "2" picks "Use Gemini API Key"',
  },
  {
    id: 'gemini-api-key-entry',
    // Reached only through the choice above; the field is prefilled from GEMINI_API_KEY (the hint line under it
    // is drawn only some of the time), so Enter is sent only when the field shows a value.
    match: /Enter Gemini API Key[\s\S]*\n│ │ +\S[^\n]*│ │/,
    keys: ['Enter'],
    why: "the key field is prefilled from the worker's GEMINI_API_KEY, so Enter confirms that key",
  },
];

const PLACEHOLDER = /^Type your message/;
/** The first line of the input box: `>` normally, `*` in YOLO mode (measured with 0.61 `--yolo`). */
const INPUT_LINE = /^\s*[>*]\s/;

export function geminiInputText(screen: string): string | undefined {
  const lines = screenLines(screen);
  const rule = lastIndex(lines, isRule);
  if (rule < 0) return undefined;
  const start = lines.findIndex((line, index) => index > rule && INPUT_LINE.test(line));
  if (start < 0) return undefined;
  const body: string[] = [];
  for (let index = start; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (index > start && (line.trim() === '' || /^\s*workspace \(/.test(line))) break;
    body.push(index === start ? line.replace(/^\s*[>*]\s?/, '') : line.replace(/^ {3}/, ''));
  }
  // With escapePastedAtSymbols the box shows a pasted "@" as "\@", which Gemini sends to the model as "@".
  const text = body.join('\n').trim().replace(/\\@/g, '@');
  return PLACEHOLDER.test(text) ? '' : text;
}

const HOOK_EVENTS = [
  { event: 'SessionStart' },
  { event: 'BeforeAgent' },
  { event: 'AfterAgent' },
  { event: 'Notification' },
  { event: 'SessionEnd' },
];

export const geminiPreset: AgentPreset = {
  name: 'gemini',
  noApproval: { name: 'YOLO mode', args: ['--yolo'] },
  defaults: PRESET_DEFAULTS.gemini,
  isReady: (screen) => geminiInputText(screen) !== undefined && !dialogs.some((dialog) => dialog.match.test(screen)),
  settleMs: 300,
  inputText: geminiInputText,
  isBusy: (screen) => /\(esc to cancel, \d+s\)/.test(screen),
  isWaiting: (screen) => /Allow execution|Apply this change\?|Waiting for user confirmation/.test(screen),
  dialogs,
  fatal: [
    {
      match: /Sign in with Google[\s\S]*Use Gemini API Key/,
      message:
        'Gemini CLI is not signed in and has no GEMINI_API_KEY; run "gemini" once in a normal terminal to sign in (or set GEMINI_API_KEY for the agent), then start the worker again.',
    },
  ],
  submitDelayMs: 500,
  // Trusting a folder restarts Gemini CLI, and the auth screens follow: allow for both.
  readyTimeoutMs: 60_000,
  // "esc to cancel" on its busy line.
  interruptKeys: ['Escape'],
  reportsTurnStart: true,
  // 0.61 fires SessionStart once its config is initialized; a prompt submitted before is queued, and under load was
  // sent only with the next prompt (measured).
  startUpReport: true,
  signals: GEMINI_SIGNALS,
  transcripts: geminiTranscripts,
  review: geminiReview,
  resume: geminiResume,
  /**
   * Gemini CLI reads a system settings file from GEMINI_CLI_SYSTEM_SETTINGS_PATH (0.61: "System settings act as
   * overrides"), so hooks need no file in the worktree or in ~/.gemini. Two costs, both measured: it replaces the
   * machine's own system settings file for this worker, and Gemini skips the file with a warning when any parent
   * folder is writable by group or others (e.g. under /tmp) or not owned by root, so the launcher checks the path.
   */
  setup(context: SetupContext) {
    const path = `${context.settingsDir}/gemini-settings.json`;
    // Gemini hook timeouts are in milliseconds; notifications off keeps "Executing Hook" out of the screen. A pasted
    // "@x" is a file to attach unless escaped: "user.email=w@x" reached the model as "w @src/x.txt".
    const settings = {
      hooksConfig: { enabled: true, notifications: false },
      hooks: hookTable(HOOK_EVENTS, context.czarCommand, 10_000),
      ui: { escapePastedAtSymbols: true },
    };
    return {
      files: [{ path, content: `${JSON.stringify(settings, null, 2)}\n` }],
      args: [],
      env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: path, CZAR_WORKER: context.worker },
      rootOwnedFiles: [path],
    };
  },
};
