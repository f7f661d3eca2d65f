import type { AgentPreset, SetupContext } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { hookTable } from '../hook-settings.js';
import { isRule, lastIndex, screenLines } from '../screen-lines.js';
import { qwenResume } from './resume.js';
import { NO_SIGNALS } from '../signals.js';
import { qwenTranscripts } from './transcripts.js';

/**
 * Qwen Code (measured with 0.24.4), a Gemini CLI fork with Claude Code's hooks. The input box is a `>` line (`*` in
 * YOLO mode) between two full-width rules, "Type your message or @path/to/file" when empty, with the folder and model
 * ("➜ repo · git:(main) · fake-model") under it; a pasted text is followed by a zero-width space. A running turn
 * shows "(7s · ↑ 22 tokens · esc to cancel)". Without `--yolo` it starts in "Auto mode", whose classifier asks the
 * model first and, when it cannot tell, asks the person ("Allow execution of: 'echo'?").
 */
const PLACEHOLDER = /^Type your message/;
const MARK = /^[>*!]\s/;

/** The text between the last pair of rules, when its first line carries the prompt mark. */
export function qwenInputText(screen: string): string | undefined {
  const lines = screenLines(screen);
  const bottom = lastIndex(lines, isRule);
  const top = lastIndex(lines, isRule, bottom);
  const first = lines[top + 1] ?? '';
  if (top < 0 || !MARK.test(first)) return undefined;
  const text = lines
    .slice(top + 1, bottom)
    .map((line, index) => (index === 0 ? line.replace(/^[>*!]\s+/, '') : line.replace(/^ {2}/, '')))
    .join('\n')
    .replaceAll('\u200b', '')
    .trim();
  return PLACEHOLDER.test(text) ? '' : text;
}

/** Claude Code's event names and payloads; Stop and StopFailure end a turn, the latter with `error` and its line. */
const HOOK_EVENTS = [
  { event: 'SessionStart' },
  { event: 'UserPromptSubmit' },
  { event: 'Stop' },
  { event: 'StopFailure' },
  { event: 'PermissionRequest' },
  { event: 'SessionEnd' },
];

export const qwenPreset: AgentPreset = {
  name: 'qwen',
  noApproval: { name: 'YOLO mode', args: ['--yolo'] },
  defaults: PRESET_DEFAULTS.qwen,
  // Measured with 0.15: a paste while "Initializing..." shows lost its newline 2 times in 12.
  isReady: (screen) => qwenInputText(screen) !== undefined && !/Initializing\.\.\./.test(screen),
  settleMs: 300,
  inputText: qwenInputText,
  // A narrow pane wraps the busy line ("(1s · esc to" / "cancel)"); the footer gains "Enter to steer" meanwhile.
  isBusy: (screen) => /\(\d+s ·[^)]*\besc\b|Enter to steer · /.test(screen),
  isWaiting: (screen) => /Allow execution of|Apply this change\?|Waiting for user confirmation/.test(screen),
  dialogs: [],
  fatal: [],
  submitDelayMs: 500,
  // Measured: 15-20 s from start to the input box on a loaded two-core machine.
  readyTimeoutMs: 60_000,
  // "esc to cancel" on its busy line; Esc shows "Request cancelled."
  interruptKeys: ['Escape'],
  reportsTurnStart: true,
  resume: qwenResume,
  // Qwen Code 0.24 sends Claude Code's events with the same payload fields, so Claude's rows read them.
  signals: NO_SIGNALS,
  transcripts: qwenTranscripts,
  /**
   * Qwen Code reads a system settings file from QWEN_CODE_SYSTEM_SETTINGS_PATH that overrides the user's (it replaces
   * the machine's own system settings file for this worker). Besides the hooks (timeouts in seconds) it turns off
   * what would act on its own: auto-update (it runs `npm install -g`), follow-up suggestions (Enter accepts one into
   * the input box), the feedback and welcome-back dialogs, and the memory extraction side request (it offers the
   * shell tool).
   */
  setup(context: SetupContext) {
    const path = `${context.settingsDir}/qwen-settings.json`;
    const settings = {
      hooks: hookTable(HOOK_EVENTS, context.czarCommand, 10),
      general: { enableAutoUpdate: false },
      ui: { enableFollowupSuggestions: false, enableUserFeedback: false, enableWelcomeBack: false },
      memory: { enableManagedAutoMemory: false },
    };
    return {
      files: [{ path, content: `${JSON.stringify(settings, null, 2)}\n` }],
      args: [],
      env: { QWEN_CODE_SYSTEM_SETTINGS_PATH: path, CZAR_WORKER: context.worker },
    };
  },
};
