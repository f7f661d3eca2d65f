import type { AgentPreset, Dialog, SetupContext } from '../preset.js';
import { claudeResume } from './resume.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { hookTable } from '../hook-settings.js';
import { isRule, screenLines } from '../screen-lines.js';
import { CLAUDE_SIGNALS } from './signals.js';
import { claudeTranscripts } from './transcripts.js';
import { claudeReview } from './review.js';

/**
 * Claude Code (measured with 2.1.197). The input box is a `❯` line between two full-width rules; a paste of many
 * lines shows as `[Pasted text #N +M lines]`; a running turn shows "esc to interrupt" and a `✻ …` spinner line.
 */
const dialogs: readonly Dialog[] = [
  {
    id: 'claude-trust',
    // 2.1 asks "Quick safety check: Is this a project you created or one you trust?"; older versions "Do you trust the files in this folder?".
    match:
      /(?:Is this a project you created or one you trust|Do you trust the files in this folder)[\s\S]*1\. Yes, (?:I trust this folder|proceed)/,
    keys: ['1'],
    why: 'czar created this worktree for the worker, so it trusts the folder; "1" picks "Yes" explicitly instead of confirming whatever is highlighted',
  },
  {
    id: 'claude-api-key',
    match: /Do you want to use this API key\?[\s\S]*1\. Yes/,
    keys: ['1'],
    why: 'the worker was started with this ANTHROPIC_API_KEY on purpose, and the highlighted default is "No"',
  },
  {
    id: 'claude-bypass',
    match: /running in Bypass Permissions mode[\s\S]*2\. Yes, I accept/,
    keys: ['2'],
    why: 'czar started it in bypass mode inside its box, the sandbox the warning asks for; "2" picks "Yes, I accept" explicitly, as the highlighted default is "No, exit"',
  },
];

/** The text inside the input box: the `❯` line and its continuation lines between the last pair of rules. */
export function claudeInputText(screen: string): string | undefined {
  const lines = screenLines(screen);
  for (let bottom = lines.length - 1; bottom > 0; bottom -= 1) {
    if (!isRule(lines[bottom] ?? '')) continue;
    let top = bottom - 1;
    while (top >= 0 && !isRule(lines[top] ?? '')) top -= 1;
    const first = lines[top + 1] ?? '';
    if (top < 0 || !first.startsWith('❯')) return undefined;
    const body = lines
      .slice(top + 1, bottom)
      .map((line, index) => (index === 0 ? line.replace(/^❯\s?/, '') : line.replace(/^ {2}/, '')));
    return body.join('\n').trim();
  }
  return undefined;
}

const BUSY = /esc to interrupt|^\s*[✻✶✳✢✽·*]\s+\S.*(?:…|Retrying in)/m;
const WAITING =
  /Do you want to (?:proceed|make this edit|create|run|allow|fetch)|No, and tell Claude what to do differently/;

/** Events Claude Code reports through `--settings` hooks; Notification only for the two that block on the person. */
const HOOK_EVENTS = [
  { event: 'SessionStart' },
  { event: 'UserPromptSubmit' },
  { event: 'Stop' },
  { event: 'StopFailure' },
  { event: 'Notification', matcher: 'permission_prompt|elicitation_dialog' },
  { event: 'PermissionRequest' },
  { event: 'SessionEnd' },
];

export const claudePreset: AgentPreset = {
  name: 'claude',
  // IS_SANDBOX: Claude Code refuses its bypass mode as root (CI, containers) unless told it runs in a sandbox.
  noApproval: { name: 'bypass permissions mode', args: ['--dangerously-skip-permissions'], env: { IS_SANDBOX: '1' } },
  defaults: PRESET_DEFAULTS.claude,
  isReady: (screen) => claudeInputText(screen) !== undefined && !dialogs.some((dialog) => dialog.match.test(screen)),
  settleMs: 300,
  inputText: claudeInputText,
  isBusy: (screen) => BUSY.test(screen),
  isWaiting: (screen) => WAITING.test(screen),
  dialogs,
  fatal: [
    {
      match: /Select login method|Invalid API key · Please run \/login/,
      message:
        'Claude Code is not signed in; run "claude" once in a normal terminal to log in (or set ANTHROPIC_API_KEY for the agent), then start the worker again.',
    },
  ],
  // Measured: Claude Code 2.1 drops an Enter that arrives within about 2 s of a bracketed paste.
  submitDelayMs: 2200,
  readyTimeoutMs: 60_000,
  // "esc to interrupt" on its busy line; a second Escape would open the rewind menu, so only one.
  interruptKeys: ['Escape'],
  reportsTurnStart: true,
  signals: CLAUDE_SIGNALS,
  transcripts: claudeTranscripts,
  review: claudeReview,
  resume: claudeResume,
  setup(context: SetupContext) {
    const path = `${context.settingsDir}/claude-settings.json`;
    // Hook timeout is in seconds for Claude Code; `czar report` only writes a small file.
    const settings = { hooks: hookTable(HOOK_EVENTS, context.czarCommand, 10) };
    return {
      files: [{ path, content: `${JSON.stringify(settings, null, 2)}\n` }],
      args: ['--settings', path],
      env: { CZAR_WORKER: context.worker },
    };
  },
};
