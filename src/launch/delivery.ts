import { setTimeout as sleep } from 'node:timers/promises';
import { loadPerCore } from '../adapters/process.js';
import type { Tmux } from '../adapters/tmux.js';
import type { AgentPreset, Dialog } from '../agents/preset.js';
import { CzarError } from '../domain/errors.js';
import { neutraliseControls } from '../domain/sanitize.js';
import {
  loadScale,
  pasteLanded,
  pasteLandMs,
  pasteMarkers,
  readyStep,
  submitStep,
  type PasteMarkers,
  type SubmitStep,
} from './delivery-steps.js';

/**
 * Verified delivery of a task into an agent's TUI: wait until its input box is ready (answering first-run dialogs
 * on purpose), paste through a bracketed paste, check the paste landed, wait the preset's quiet time, press Enter,
 * and check the submission took, retrying Enter with backoff. The text is pasted at most once while it may still
 * sit in the input box, so a retry can never submit it twice.
 */

export interface DeliveryOptions {
  /** Worker name, for events and error messages. */
  readonly worker: string;
  readonly onEvent?: (kind: string, message: string) => void;
  /** True once the agent itself reported the prompt (a UserPromptSubmit hook), which proves the submission. */
  readonly submittedBySelfReport?: () => Promise<boolean>;
  /** Multiplies every wait (slow machines, CI). */
  readonly timeoutScale?: number;
  /**
   * Whether the pane's program has bracketed paste on (read from the pane's output log); undefined when it cannot
   * tell. A text of several lines is pasted only once this says true: unbracketed, every newline is a submission.
   */
  readonly bracketedPaste?: () => Promise<boolean | undefined>;
  /** Called once the agent is first ready for the paste: its start-up is over (a launch frees its slot then). */
  readonly onReady?: () => void;
  /** Resolves at the pane's next output, or after `withinMs`: the screen is looked at again then. */
  readonly nextOutput?: (withinMs: number) => Promise<void>;
}

export interface DeliveryResult {
  /** Enter presses it took to submit (1 when the first one took). */
  readonly attempts: number;
  /** Ids of the dialogs answered on the way, in order. */
  readonly dialogsAnswered: string[];
}

const POLL_MS = 100;
/** How often the pane's liveness and mode are re-read while waiting (one list-panes call each time). */
const PANE_CHECK_MS = 500;
/** A dialog that is still on screen this long after its answer gets answered again, at most MAX_DIALOG_ANSWERS times. */
const DIALOG_RECHECK_MS = 2_000;
const MAX_DIALOG_ANSWERS = 3;
/**
 * A dialog is answered only once its screen held still this long. Measured: Gemini CLI 0.61 answered "trust" in
 * its first moments restarts without hooks and keeps saying the folder is untrusted; answered a second later it works.
 */
const DIALOG_SETTLE_MS = 1_000;
/** A fatal screen must hold this long: Gemini CLI flashes its sign-in chooser while switching to the API key. */
const FATAL_CONFIRM_MS = 1_500;
const MAX_PASTES = 2;
/** Enter is retried with a doubling wait: 1.5 s, 3 s, 6 s, 12 s. */
const FIRST_SUBMIT_WAIT_MS = 1_500;
const MAX_ENTERS = 4;

/** Delivers a worker's task at launch: first-run dialogs (trust, API key) are answered as they appear. */
export async function deliverPrompt(
  tmux: Tmux,
  paneId: string,
  text: string,
  preset: AgentPreset,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  return deliver(new Delivery(tmux, paneId, preset, options), text, true);
}

/** Sends a follow-up message (nudge, bonus task) along the same verified path; dialogs are not answered here. */
export async function sendMessage(
  tmux: Tmux,
  paneId: string,
  text: string,
  preset: AgentPreset,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  return deliver(new Delivery(tmux, paneId, preset, options), text, false);
}

/** The imperative shell of one delivery: the pane it reads and types into. */
class Delivery {
  /** The test's timeout scale times the machine's load: every wait grows with both. */
  readonly scale: number;

  constructor(
    readonly tmux: Tmux,
    readonly paneId: string,
    readonly preset: AgentPreset,
    readonly options: DeliveryOptions,
  ) {
    this.scale = (options.timeoutScale ?? 1) * loadScale(loadPerCore());
  }

  emit(kind: string, message: string): void {
    this.options.onEvent?.(kind, message);
  }

  fail(what: string, cause?: unknown): CzarError {
    const attach = `tmux -L ${this.tmux.socket} attach -t ${this.paneId}`;
    return new CzarError(
      'delivery_failed',
      `Worker "${this.options.worker}" ${what}; look at its pane with "${attach}" and fix that, then start the worker again.`,
      { cause },
    );
  }

  capture(): Promise<string> {
    return this.tmux.capture(this.paneId);
  }

  /** Between two looks at the screen: until the agent draws, at most POLL_MS. */
  pause(): Promise<void> {
    return this.options.nextOutput?.(POLL_MS) ?? sleep(POLL_MS);
  }

  /** Throws when the pane is gone, dead or has input off; leaves copy mode (keys and pastes would go to tmux). */
  async checkPane(): Promise<void> {
    const pane = await this.tmux.pane(this.paneId);
    if (pane === undefined) throw this.fail(`has no tmux pane ${this.paneId} any more, so its task was not delivered`);
    if (pane.dead) {
      const how =
        pane.deadSignal !== undefined
          ? `was killed by signal ${pane.deadSignal}`
          : pane.deadStatus !== undefined
            ? `exited with status ${pane.deadStatus}`
            : 'exited';
      throw this.fail(`has an agent that ${how} before its task was delivered`);
    }
    if (pane.inputOff)
      throw this.fail(`has keyboard input switched off in its pane (select-pane -d), so nothing can be typed`);
    if (pane.inMode) {
      this.emit('copy_mode', `pane ${this.paneId} was in copy mode; left it before typing`);
      await this.tmux.cancelMode(this.paneId);
    }
  }
}

async function deliver(d: Delivery, text: string, answerDialogs: boolean): Promise<DeliveryResult> {
  const safe = neutraliseControls(text);
  const lines = safe.split('\n').length;
  const startedAt = Date.now();
  const dialogsAnswered = await waitUntilReady(d, answerDialogs, lines);
  d.options.onReady?.();
  const landMs = pasteLandMs(d.scale, Date.now() - startedAt);
  const markers = pasteMarkers(safe);
  for (let paste = 1; paste <= MAX_PASTES; paste += 1) {
    await d.checkPane();
    const before = await d.capture();
    await d.tmux.paste(d.paneId, safe);
    const pastedAt = Date.now();
    d.emit('pasted', `pasted ${Buffer.byteLength(safe)} bytes into ${d.paneId}`);
    const landed = await pollScreen(d, landMs / d.scale, (screen) => pasteLanded(d.preset, screen, before, markers));
    if (landed === undefined) {
      // Paste again only when the input box is provably empty: never risk two copies of the task.
      const input = d.preset.inputText?.(await d.capture());
      if (input === '' && paste < MAX_PASTES) {
        d.emit('paste_retry', 'the paste did not show in the input box, which is empty; pasting again');
        await waitUntilReady(d, answerDialogs, lines);
        continue;
      }
      throw d.fail(`did not show its pasted task in the ${d.preset.name} input box within ${seconds(landMs)}`);
    }
    const quiet = pastedAt + d.preset.submitDelayMs - Date.now();
    if (quiet > 0) await sleep(quiet);
    const attempts = await submit(d, markers);
    return { attempts, dialogsAnswered };
  }
  throw d.fail(`did not take its pasted task after ${MAX_PASTES} pastes`);
}

/**
 * Polls until the preset's input box is ready and the screen kept still for `settleMs`, and, for a text of several
 * `lines`, until the program turned bracketed paste on; answers dialogs on the way.
 */
async function waitUntilReady(d: Delivery, answerDialogs: boolean, lines: number): Promise<string[]> {
  const answered: string[] = [];
  const answeredDialogs: Dialog[] = [];
  const lastAnswer = new Map<string, number>();
  const deadline = Date.now() + d.preset.readyTimeoutMs * d.scale;
  const settleMs = (d.preset.settleMs ?? 0) * d.scale;
  let lastPaneCheck = 0;
  let previous: string | undefined;
  let stableSince = Date.now();
  let fatalSince: number | undefined;
  let readyWithoutBracketedPaste = false;
  for (;;) {
    if (Date.now() - lastPaneCheck >= PANE_CHECK_MS) {
      await d.checkPane();
      lastPaneCheck = Date.now();
    }
    const screen = await d.capture();
    if (screen !== previous) stableSince = Date.now();
    previous = screen;
    const step = readyStep(d.preset, screen, answerDialogs, answeredDialogs);
    fatalSince = step.kind === 'fatal' ? (fatalSince ?? Date.now()) : undefined;
    switch (step.kind) {
      case 'fatal':
        if (Date.now() - fatalSince! >= FATAL_CONFIRM_MS * d.scale) {
          throw new CzarError('delivery_failed', `Worker "${d.options.worker}" cannot start: ${step.message}`);
        }
        break;
      case 'dialog': {
        const { id, keys, why } = step.dialog;
        const count = answered.filter((seen) => seen === id).length;
        const settled = Date.now() - stableSince >= DIALOG_SETTLE_MS * d.scale;
        if (settled && Date.now() - (lastAnswer.get(id) ?? 0) >= DIALOG_RECHECK_MS * d.scale) {
          if (count >= MAX_DIALOG_ANSWERS) throw d.fail(`kept showing the "${id}" dialog after ${count} answers`);
          await d.tmux.sendKeys(d.paneId, keys);
          answered.push(id);
          answeredDialogs.push(step.dialog);
          lastAnswer.set(id, Date.now());
          d.emit('dialog', `answered ${id} with ${keys.join(' ')}: ${why}`);
        }
        break;
      }
      case 'ready':
        if (Date.now() - stableSince < settleMs) break;
        if (lines === 1 || d.options.bracketedPaste === undefined || (await d.options.bracketedPaste()) !== false)
          return answered;
        readyWithoutBracketedPaste = true;
        break;
      case 'wait':
        break;
    }
    if (Date.now() > deadline) {
      if (readyWithoutBracketedPaste) {
        throw d.fail(
          `never turned on bracketed paste (ESC [?2004h) within ${seconds(d.preset.readyTimeoutMs * d.scale)}, so its ${lines}-line message would arrive as separate submissions and czar did not paste it; give this program one-line tasks, or use an agent that supports bracketed paste`,
        );
      }
      const last =
        screen
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line !== '')
          .at(-1) ?? '(empty screen)';
      throw d.fail(
        `never showed a ready ${d.preset.name} input box within ${seconds(d.preset.readyTimeoutMs * d.scale)} (last line: "${last.slice(0, 80)}")`,
      );
    }
    await d.pause();
  }
}

/** Presses Enter until the submission shows, never into a dialog; returns the number of presses. */
async function submit(d: Delivery, markers: PasteMarkers): Promise<number> {
  for (let attempt = 1; attempt <= MAX_ENTERS; attempt += 1) {
    await d.checkPane();
    const beforeEnter = await d.capture();
    const dialog = d.preset.dialogs.find((candidate) => candidate.match.test(beforeEnter));
    if (dialog !== undefined)
      throw d.fail(`showed the "${dialog.id}" dialog over its pasted task, and Enter would answer it blindly`);
    await d.tmux.sendKeys(d.paneId, ['Enter']);
    const window = FIRST_SUBMIT_WAIT_MS * 2 ** (attempt - 1);
    let last = 'unknown' as SubmitStep;
    const took = await pollScreen(d, window, async (screen) => {
      last = submitStep(d.preset, screen, beforeEnter, markers);
      return last === 'submitted' || ((await d.options.submittedBySelfReport?.()) ?? false);
    });
    if (took !== undefined) {
      d.emit('submitted', attempt === 1 ? 'task submitted' : `task submitted after ${attempt} Enter presses`);
      return attempt;
    }
    d.emit(
      'enter_retry',
      `Enter ${attempt} did not take (${last === 'in-input' ? 'the task is still in the input box' : 'no sign of a submission'}); pressing it again`,
    );
  }
  throw d.fail(`did not submit its pasted task after ${MAX_ENTERS} Enter presses`);
}

/** Looks at the screen after each draw until `accept` holds (returns that screen) or the scaled budget runs out. */
async function pollScreen(
  d: Delivery,
  budgetMs: number,
  accept: (screen: string) => boolean | Promise<boolean>,
): Promise<string | undefined> {
  const deadline = Date.now() + budgetMs * d.scale;
  for (;;) {
    const screen = await d.capture();
    if (await accept(screen)) return screen;
    if (Date.now() > deadline) return undefined;
    await d.pause();
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
