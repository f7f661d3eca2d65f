import { pathToFileURL } from 'node:url';
import { czarBinFile } from '../bin-files.js';
import type { AgentPreset, SetupContext } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { lastIndex, screenLines } from '../screen-lines.js';
import { opencodeResume } from './resume.js';
import { OPENCODE_SIGNALS } from './signals.js';
import { opencodeTranscripts } from './transcripts.js';

/** The plugin that reports OpenCode's turns and writes its records. */
const plugin = czarBinFile('czar-opencode-plugin.js');

/** The input box's bottom edge, `╹▀▀▀…`, as wide as the box. */
const BOX_BOTTOM = /^\s*╹▀{10,}$/;
/** The box's last line names the agent and the model: "┃  Build · Fake Model Fake". */
const AGENT_LINE = /^┃\s+\S.*·/;
/** The empty box of a new session's start screen ("Ask anything…"; Kilo 7.7 "Ask anything..."). */
const PLACEHOLDER = /^Ask anything(?:…|\.\.\.)/;

interface InputBox {
  readonly text: string;
  /** The lines under the box: the status line ("esc interrupt" while a turn runs, the token total when idle). */
  readonly below: readonly string[];
}

/**
 * The input box: the `┃` lines above its bottom edge, up to the blank line that parts it from the conversation, cut
 * to the edge's width (a wide pane draws a sidebar to its right). Its first and last text lines are padding and its
 * last line names the agent; a permission prompt takes its place.
 */
function inputBox(screen: string): InputBox | undefined {
  const lines = screenLines(screen);
  const bottom = lastIndex(lines, (line) => BOX_BOTTOM.test(line));
  const edge = lines[bottom] ?? '';
  const left = edge.indexOf('╹');
  const inBox = (line: string): string => line.slice(left, edge.length);
  if (bottom < 1 || !AGENT_LINE.test(inBox(lines[bottom - 1] ?? ''))) return undefined;
  let top = bottom - 1;
  while (top > 0 && inBox(lines[top - 1] ?? '').startsWith('┃')) top -= 1;
  const text = lines
    .slice(top, bottom - 1)
    .map((line) => inBox(line).replace(/^┃ {0,2}/, ''))
    .join('\n')
    .trim();
  return { text: PLACEHOLDER.test(text) ? '' : text, below: lines.slice(bottom + 1) };
}

/** What the input box holds ('' when empty), or undefined when no input box is drawn. */
export function opencodeInputText(screen: string): string | undefined {
  return inputBox(screen)?.text;
}

/** A turn runs: the status line under the box says "esc interrupt" (also while it retries a failed call). */
export function opencodeIsBusy(screen: string): boolean {
  return inputBox(screen)?.below.some((line) => /\besc (?:again to )?interrupt\b/.test(line)) ?? false;
}

/** A permission prompt ("△ Permission required … Allow once   Allow always   Reject") stands where the box was. */
export function opencodeIsWaiting(screen: string): boolean {
  const lines = screenLines(screen);
  const after = lines.slice(lastIndex(lines, (line) => BOX_BOTTOM.test(line)) + 1);
  return (
    after.some((line) => /Permission required/.test(line)) &&
    after.some((line) => /Allow once\s+Allow always/.test(line))
  );
}

/**
 * OpenCode (measured with 1.18.33). No dialogs, and its `bash` tool runs without asking by default. A turn shows
 * "esc interrupt" on the status line under the input box; the first Esc turns it into "esc again to interrupt" and
 * the second stops the turn. It has no shell hooks and keeps its records in SQLite: czar's plugin reports its turns
 * and writes the records czar reads (`bin/czar-opencode-plugin.js`).
 */
export const opencodePreset: AgentPreset = {
  name: 'opencode',
  // A runtime overlay on its config's `permission:` (the last matching rule wins, so `*` covers a `bash: ask`).
  noApproval: { name: 'every permission allowed', args: [], env: { OPENCODE_PERMISSION: '{"*":"allow"}' } },
  defaults: PRESET_DEFAULTS.opencode,
  isReady: (screen) => inputBox(screen) !== undefined,
  settleMs: 500,
  inputText: opencodeInputText,
  isBusy: opencodeIsBusy,
  isWaiting: opencodeIsWaiting,
  dialogs: [],
  fatal: [],
  submitDelayMs: 500,
  // About 10 s on a loaded two-core machine; the first start on a machine also installs OpenCode's plugin package
  // into ~/.config/opencode (about 100 s, measured) before the box shows.
  readyTimeoutMs: 150_000,
  // Three OpenCode workers with one HOME started at once under load: one never drew its screen (its log stayed
  // empty) while the other two set up the shared SQLite database.
  startsOneAtATime: true,
  interruptKeys: ['Escape', 'Escape'],
  reportsTurnStart: true,
  resume: opencodeResume,
  signals: OPENCODE_SIGNALS,
  transcripts: opencodeTranscripts,
  setup: openCodeSetup('OPENCODE'),
};

/**
 * The setup of OpenCode and its forks, whose variables differ only in their prefix (Kilo's are `KILO_`).
 * Everything goes through the environment, so nothing is written into the worktree or the person's config:
 * `<prefix>_CONFIG_CONTENT` (merged over the person's own config) names czar's plugin as a file, which needs no
 * install, and turns off the paste summary ("[Pasted ~3 lines]" would hide whether the whole task landed).
 * GIT_EDITOR: its `bash` tool has no terminal, so a `git commit` without `-m` opened vi and never returned
 * (measured); `true` keeps a prepared message (a merge, a rebase) and refuses an empty one at once.
 * `<prefix>_DISABLE_AUTOUPDATE`: a worker's agent does not change version in the middle of a sprint.
 */
export function openCodeSetup(prefix: string): AgentPreset['setup'] {
  return (context: SetupContext) => {
    const config = { plugin: [pathToFileURL(plugin).href], experimental: { disable_paste_summary: true } };
    return {
      files: [],
      args: [],
      env: {
        CZAR_WORKER: context.worker,
        CZAR_OPENCODE_REPORT: JSON.stringify([...context.czarCommand, 'report', '--hook']),
        [`${prefix}_CONFIG_CONTENT`]: JSON.stringify(config),
        [`${prefix}_DISABLE_AUTOUPDATE`]: '1',
        GIT_EDITOR: 'true',
      },
    };
  };
}
