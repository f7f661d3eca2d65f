import type { AgentPreset, SetupContext } from '../preset.js';
import { codexResume } from './resume.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { lastIndex, screenLines } from '../screen-lines.js';
import { CODEX_SIGNALS } from './signals.js';
import { codexTranscripts } from './transcripts.js';
import { codexReview } from './review.js';

/** The footer under the composer names the model and the folder: "fake-model default · /path". */
const FOOTER = /^ {2}\S.* · \//;
const PLACEHOLDER = /^Ask Codex to do anything$/;

/**
 * The text in the composer: the last `›` line above the footer and its two-space-indented continuation lines
 * (earlier prompts stay on screen above it, also marked `›`). A long paste shows as `[Pasted Content N chars]`.
 */
export function codexInputText(screen: string): string | undefined {
  const lines = screenLines(screen);
  const footer = lastIndex(lines, (line) => FOOTER.test(line));
  const start = lastIndex(lines, (line) => /^›(?:\s|$)/.test(line), footer);
  if (footer < 0 || start < 0) return undefined;
  const text = lines
    .slice(start, footer)
    .map((line, index) => (index === 0 ? line.replace(/^›\s?/, '') : line.replace(/^ {2}/, '')))
    .join('\n')
    .trim();
  return PLACEHOLDER.test(text) ? '' : text;
}

/**
 * Codex CLI (measured with 0.169.0, offline with a custom model provider, which skips the ChatGPT sign-in screen).
 * The composer is a `›` (U+203A) line, "Ask Codex to do anything" when empty, over a footer naming the model and
 * the folder ("fake-model default · /path"); a running turn shows "Working (4s • esc to interrupt)". The big
 * braille logo stays above the composer until the first prompt.
 */
export const codexPreset: AgentPreset = {
  name: 'codex',
  // Its own sandbox off too: it nests a bwrap, which a box's pid namespace and dropped capabilities make fail.
  noApproval: { name: 'full access, its own sandbox off', args: ['--dangerously-bypass-approvals-and-sandbox'] },
  defaults: PRESET_DEFAULTS.codex,
  // Measured: for about a second at start Codex draws its logo over a demo composer with no model footer, then
  // replaces it with the trust dialog or the sign-in screen; only the real composer has the footer.
  isReady: (screen) => codexInputText(screen) !== undefined && !/Sign in with ChatGPT|Trust this folder\?/.test(screen),
  settleMs: 1_500,
  inputText: codexInputText,
  isBusy: (screen) => /esc to interrupt/i.test(screen),
  isWaiting: (screen) => /Allow command\?|Would you like to (?:run|make) |Yes, proceed|\(y\/n\)/i.test(screen),
  dialogs: [
    {
      id: 'codex-trust',
      // 0.169 in a folder it has not seen: "Folder access ... Trust this folder? ... › 1. Trust and continue".
      // Measured: "1" alone leaves it up, so the match requires option 1 highlighted and Enter confirms it.
      match: /Trust this folder\?[\s\S]*^›\s*1\. Trust and continue/m,
      keys: ['Enter'],
      why: 'czar created this worktree for the worker, and the highlighted option is "1. Trust and continue"',
    },
  ],
  fatal: [
    {
      // With a model provider configured this screen never comes up; it means no provider and no login.
      match: /Sign in with ChatGPT|Sign in with Device Code/,
      message:
        'Codex is showing its sign-in screen; run "codex login" in a normal terminal first (or configure a model provider in its config.toml), then start the worker again.',
    },
  ],
  // openai/codex#28167: an Enter in the same read as the paste end wedges the composer.
  submitDelayMs: 500,
  readyTimeoutMs: 30_000,
  // `notify` only reports turn ends, not prompt submission or approval waits, so the pane stays the main signal.
  // "esc to interrupt" on its busy line.
  interruptKeys: ['Escape'],
  reportsTurnStart: false,
  signals: CODEX_SIGNALS,
  transcripts: codexTranscripts,
  review: codexReview,
  resume: codexResume,
  setup(context: SetupContext) {
    // `-c key=value` takes TOML; a JSON array of strings is valid TOML. Codex appends the event JSON as the last argument.
    const notify = JSON.stringify([...context.czarCommand, 'report', '--hook', 'agent-turn-complete']);
    // Measured with 0.169: its shell tool runs `bash -lc`, and a login shell's /etc/profile sets PATH from scratch,
    // dropping the czar folder the pane's PATH carries; a non-login shell keeps it, so `czar report` works.
    return {
      files: [],
      args: ['-c', `notify=${notify}`, '-c', 'allow_login_shell=false'],
      env: { CZAR_WORKER: context.worker },
    };
  },
};
