import path from 'node:path';
import type { AgentPreset, Dialog, SetupContext } from '../preset.js';
import { PRESET_DEFAULTS } from '../defaults.js';
import { hookShellCommand, shellQuote } from '../hook-settings.js';
import { ruledBox } from '../screen-lines.js';
import { copilotTranscripts } from './transcripts.js';
import { copilotResume } from './resume.js';
import { copilotReview } from './review.js';
import { COPILOT_SIGNALS } from './signals.js';

/**
 * GitHub Copilot CLI (measured with 1.0.102). The input box is a `❯` line between two full-width rules, under the
 * folder and branch (" /repo [⎇ main]"), over a footer: "← open sidebar · Interactive · Allow All · / commands"
 * when idle, "● Working · 45 B esc esc interrupt" while a turn runs. It draws that box on an otherwise blank screen
 * a while before its start-up is over, and a paste then was lost (measured): it is ready once its banner or a
 * resumed conversation is drawn above the box. Dialogs are boxes drawn in place of the input box.
 */
const dialogs: readonly Dialog[] = [
  {
    id: 'copilot-trust',
    match:
      /Confirm folder trust[\s\S]*Do you trust the files in this folder\?[\s\S]*1\. Yes\s[\s\S]*2\. Yes, and remember/,
    keys: ['1'],
    why: 'czar created this worktree for the worker; "1" trusts it for this session only, so no folder is added to the person\'s Copilot config',
  },
];

interface InputBox {
  readonly text: string;
  readonly footer: string;
  /** Lines drawn above the box's folder line, the tab bar excluded. */
  readonly above: number;
}

function inputBox(screen: string): InputBox | undefined {
  const box = ruledBox(screen, '❯');
  if (box === undefined) return undefined;
  const above = box.lines
    .slice(0, Math.max(0, box.top - 1))
    .filter((line) => line.trim() !== '' && !/^\s*\[Current\]\s+Sessions/.test(line)).length;
  return { text: box.text, footer: box.lines.slice(box.bottom + 1).join('\n'), above };
}

/** What the input box holds ('' when empty), or undefined when no input box is drawn. */
export function copilotInputText(screen: string): string | undefined {
  return inputBox(screen)?.text;
}

/** A turn runs: the footer says "Working" with its Esc keys ("esc esc interrupt", "esc again to interrupt"). */
export function copilotIsBusy(screen: string): boolean {
  return /\bWorking\b.*\besc (?:esc|again)\b/.test(inputBox(screen)?.footer ?? '');
}

export const copilotPreset: AgentPreset = {
  name: 'copilot',
  noApproval: { name: 'YOLO mode (every tool, path and URL allowed)', args: ['--yolo'] },
  defaults: PRESET_DEFAULTS.copilot,
  // A dialog counts only below the box (drawn after it); one above was answered before the box came back.
  isReady: (screen) => {
    const box = inputBox(screen);
    return box !== undefined && box.above > 0 && !dialogs.some((dialog) => dialog.match.test(box.footer));
  },
  settleMs: 500,
  inputText: copilotInputText,
  isBusy: copilotIsBusy,
  isWaiting: (screen) =>
    /Do you want to (?:run|make|edit|create|allow|proceed|fetch)|No, and tell Copilot what to do differently/.test(
      screen,
    ),
  dialogs,
  fatal: [
    {
      match: /Please use \/login to sign in to use Copilot/,
      message:
        'GitHub Copilot CLI is not signed in; run "copilot" once in a normal terminal and /login (or set COPILOT_GITHUB_TOKEN, or a provider with COPILOT_PROVIDER_BASE_URL, for the agent), then start the worker again.',
    },
  ],
  submitDelayMs: 500,
  // Measured: 15 s from start to the trust dialog on a loaded two-core machine, its first start in a HOME longer.
  readyTimeoutMs: 90_000,
  // "esc esc interrupt" on its footer; the first Esc turns it into "esc again to interrupt".
  interruptKeys: ['Escape', 'Escape'],
  reportsTurnStart: true,
  signals: COPILOT_SIGNALS,
  transcripts: copilotTranscripts,
  resume: copilotResume,
  review: copilotReview,
  install: {
    npm: '@github/copilot@1.0.102',
    signIn:
      'a GitHub account with Copilot (run "copilot" and /login once, or set COPILOT_GITHUB_TOKEN), or a model provider of your own (COPILOT_PROVIDER_BASE_URL, COPILOT_PROVIDER_API_KEY and COPILOT_MODEL in the agent\'s env:)',
  },
  /**
   * A plugin's hooks run in the plugin's folder (measured), and `czar report` takes a report only from the worker's
   * worktree: each hook goes there first. Hooks come in a plugin czar writes beside the worker's other agent files and names with `--plugin-dir`, for this
   * session only: nothing goes into the worktree (`.github/hooks`) or the person's `~/.copilot/hooks`. Copilot's
   * native binary unpacks 235 MB into `$XDG_CACHE_HOME/copilot` of the HOME it runs with; COPILOT_CACHE_HOME names
   * the person's own, so a worker with a HOME of its own unpacks nothing. COPILOT_AUTO_UPDATE=false: a worker's
   * agent does not change version in the middle of a sprint.
   */
  setup(context: SetupContext) {
    const plugin = `${context.settingsDir}/copilot-plugin`;
    const manifest = { name: 'czar', description: 'Reports turns to czar', version: '1.0.0' };
    const hooks = Object.fromEntries(
      COPILOT_HOOKS.map((event) => [
        event,
        [
          {
            type: 'command',
            bash: `cd ${shellQuote(context.worktree)} && ${hookShellCommand(context.czarCommand, event)}`,
            timeoutSec: 10,
          },
        ],
      ]),
    );
    return {
      files: [
        { path: `${plugin}/.plugin/plugin.json`, content: `${JSON.stringify(manifest, null, 2)}\n` },
        { path: `${plugin}/hooks/hooks.json`, content: `${JSON.stringify({ version: 1, hooks }, null, 2)}\n` },
      ],
      args: ['--plugin-dir', plugin],
      env: {
        CZAR_WORKER: context.worker,
        COPILOT_AUTO_UPDATE: 'false',
        ...(context.cacheDir === undefined ? {} : { COPILOT_CACHE_HOME: path.join(context.cacheDir, 'copilot') }),
      },
    };
  },
};

/** The events czar's plugin hooks, by Copilot's own names (its signal rows read them). */
const COPILOT_HOOKS = ['userPromptSubmitted', 'agentStop', 'errorOccurred', 'notification'];
