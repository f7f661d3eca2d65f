import type { Dialog } from '../agents/preset.js';
import { CzarError } from '../domain/model/errors.js';
import { type Delivery, seconds } from './delivery-pane.js';
import { dialogDrawing, lastDrawn, readyStep, strayAnswerKeys } from './delivery-steps.js';

/** How often the pane's liveness and mode are re-read while waiting (one list-panes call each time). */
const PANE_CHECK_MS = 500;
/** A dialog that is still on screen this long after its answer gets answered again, at most MAX_DIALOG_ANSWERS times. */
const DIALOG_RECHECK_MS = 2_000;
/**
 * A dialog that has not moved at all since its answer is answered again only after this long: the agent has
 * most likely not read the key yet (Claude Code 2.1 on a loaded machine drew nothing for over 2 s after "1", and the
 * second "1" landed in its input box, measured), while a dropped key is still answered in the end.
 */
const UNMOVED_RECHECK_MS = 6_000;
const MAX_DIALOG_ANSWERS = 3;
/**
 * A dialog is answered only once its screen held still this long, and after an answer given again the input box
 * too, so that a key the agent reads late shows before the paste. Measured: Gemini CLI 0.61 answered "trust" in its
 * first moments restarts without hooks and keeps saying the folder is untrusted; answered a second later it works.
 */
const DIALOG_SETTLE_MS = 1_000;
/**
 * How long a ready input box waits for the agent's own word that its start-up is over before the paste goes ahead
 * without it (an agent whose hooks do not run would otherwise never be given its task).
 */
const START_UP_REPORT_WAIT_MS = 15_000;
/** Times czar clears its own answer keys out of the input box before it gives up and pastes after them. */
const MAX_STRAY_CLEARS = 2;
/** A fatal screen must hold this long: Gemini CLI flashes its sign-in chooser while switching to the API key. */
const FATAL_CONFIRM_MS = 1_500;

/** The dialogs answered on the way to a ready input box, in order, and what each drew at its last answer. */
class Answers {
  readonly dialogs: Dialog[] = [];
  private readonly last = new Map<string, { at: number; drawing: string }>();
  strayClears = 0;

  /** Whether `dialog`, drawn as `drawing`, is due an answer (its first, or another once the last did not take). */
  due(d: Delivery, dialog: Dialog, drawing: string): boolean {
    const last = this.last.get(dialog.id);
    if (last === undefined) return true;
    const wait = last.drawing === drawing ? UNMOVED_RECHECK_MS : DIALOG_RECHECK_MS;
    return Date.now() - last.at >= wait * d.scale;
  }

  record(dialog: Dialog, drawing: string): void {
    this.dialogs.push(dialog);
    this.last.set(dialog.id, { at: Date.now(), drawing });
  }

  count(id: string): number {
    return this.dialogs.filter((dialog) => dialog.id === id).length;
  }

  /** When the last dialog answer was given; 0 when none was. */
  lastAt(): number {
    return Math.max(0, ...[...this.last.values()].map((answer) => answer.at));
  }

  /**
   * Until when the input box must hold still before the paste: a second past the last answer once a dialog was
   * answered again, as one of those keys may reach the box late; no wait when every dialog took its first answer.
   */
  quietUntil(d: Delivery): number {
    const repeated = new Set(this.dialogs.map((dialog) => dialog.id)).size < this.dialogs.length;
    if (!repeated) return 0;
    return this.lastAt() + DIALOG_SETTLE_MS * d.scale;
  }
}

/** A ready input box: the dialogs answered on the way to it, and the screen it showed. */
export interface Ready {
  readonly dialogs: string[];
  readonly screen: string;
}

/**
 * Polls until the preset's input box is ready and the screen kept still for `settleMs`, and, for a text of several
 * `lines`, until the program turned bracketed paste on; answers dialogs on the way, and takes czar's own answer keys
 * back out of the input box when the agent read one there. The pane is looked at (alive, out of copy mode) just before
 * the screen it returns is read, so the paste can follow at once.
 */
export async function waitUntilReady(d: Delivery, answerDialogs: boolean, lines: number): Promise<Ready> {
  const answers = new Answers();
  const deadline = Date.now() + d.preset.readyTimeoutMs * d.scale;
  const settled = stillness(d);
  let lastPaneCheck = 0;
  let previous: string | undefined;
  let stableSince = Date.now();
  const dialogStill = new Stillness();
  let fatalSince: number | undefined;
  let readyWithoutBracketedPaste = false;
  const startUp = new StartUpWait(d, deadline);
  for (;;) {
    const paneLookedAt = lastPaneCheck;
    if (Date.now() - lastPaneCheck >= PANE_CHECK_MS) {
      await d.checkPane();
      lastPaneCheck = Date.now();
    }
    const screen = await d.capture();
    if (screen !== previous) stableSince = Date.now();
    previous = screen;
    const step = readyStep(d.preset, screen, answerDialogs, answers.dialogs);
    fatalSince = step.kind === 'fatal' ? (fatalSince ?? Date.now()) : undefined;
    switch (step.kind) {
      case 'fatal':
        if (Date.now() - fatalSince! >= FATAL_CONFIRM_MS * d.scale) {
          throw new CzarError('delivery_failed', `Worker "${d.options.worker}" cannot start: ${step.message}`);
        }
        break;
      case 'dialog': {
        const { id, keys, why } = step.dialog;
        const drawing = dialogDrawing(step.dialog, screen);
        const count = answers.count(id);
        // A first answer waits for the whole screen to hold still, as the agent may still be starting; one given
        // again only for the dialog's own lines, which the agent may keep drawing over (see dialogDrawing).
        const stillSince = count === 0 ? stableSince : dialogStill.since(drawing);
        if (Date.now() - stillSince >= DIALOG_SETTLE_MS * d.scale && answers.due(d, step.dialog, drawing)) {
          if (count >= MAX_DIALOG_ANSWERS) throw d.fail(`kept showing the "${id}" dialog after ${count} answers`);
          await d.tmux.sendKeys(d.paneId, keys);
          answers.record(step.dialog, drawing);
          d.emit('dialog', `answered ${id} with ${keys.join(' ')}: ${why}`);
        }
        break;
      }
      case 'ready': {
        if (!(await settled(Date.now() - stableSince)) || Date.now() < answers.quietUntil(d)) break;
        const stray = strayAnswerKeys(d.preset.inputText?.(screen), answers.dialogs);
        if (stray > 0 && answers.strayClears < MAX_STRAY_CLEARS) {
          answers.strayClears += 1;
          await d.tmux.sendKeys(d.paneId, Array<string>(stray).fill('BSpace'));
          d.emit('stray_input', `took ${stray} key(s) of czar's own dialog answers back out of the input box`);
          break;
        }
        if (!(await startUp.over(answers.lastAt()))) break;
        if (lines === 1 || d.options.bracketedPaste === undefined || (await d.options.bracketedPaste()) !== false) {
          // A screen read with no look at the pane just before it is read again after one.
          if (lastPaneCheck === paneLookedAt) {
            await d.checkPane();
            return { dialogs: answers.dialogs.map((dialog) => dialog.id), screen: await d.capture() };
          }
          return { dialogs: answers.dialogs.map((dialog) => dialog.id), screen };
        }
        readyWithoutBracketedPaste = true;
        break;
      }
      case 'wait':
        break;
    }
    if (Date.now() > deadline) throw notReady(d, screen, lines, readyWithoutBracketedPaste);
    await d.pause();
  }
}

/** Since when a text seen on each look has been the same. */
class Stillness {
  private text: string | undefined;
  private from = Date.now();

  since(text: string): number {
    if (text !== this.text) {
      this.text = text;
      this.from = Date.now();
    }
    return this.from;
  }
}

/**
 * Whether a ready screen has kept still long enough: `settleMs`, or `pasteModeSettleMs` once the program turned
 * bracketed paste on (asked only in between, as each ask reads the pane's output log).
 */
function stillness(d: Delivery): (stillMs: number) => Promise<boolean> {
  const settleMs = (d.preset.settleMs ?? 0) * d.scale;
  const pasteModeMs = d.preset.pasteModeSettleMs;
  const probe = d.options.bracketedPaste;
  return async (stillMs) => {
    if (stillMs >= settleMs) return true;
    if (pasteModeMs === undefined || probe === undefined || stillMs < pasteModeMs * d.scale) return false;
    return (await probe()) === true;
  };
}

/**
 * The agent's word that its start-up is over, for an agent that draws its input box before (Gemini CLI 0.61 queues a
 * prompt submitted while it initializes, and under load sent it only with the next prompt, measured). Asked only
 * once the box is ready; past START_UP_REPORT_WAIT_MS of asking (or the wait for the box), the paste goes ahead and
 * says so.
 */
class StartUpWait {
  private askedSince: number | undefined;
  private done: boolean;

  /** `deadline` is the wait for the box itself: a box that is ready but for this word is not a box that never came. */
  constructor(
    private readonly d: Delivery,
    private readonly deadline: number,
  ) {
    this.done = d.options.startedUp === undefined;
  }

  /** `answeredAt`: the last dialog answer, after which the agent may have started again (Gemini does, after trust). */
  async over(answeredAt: number): Promise<boolean> {
    if (this.done) return true;
    this.askedSince ??= Date.now();
    this.done = (await this.d.options.startedUp?.(answeredAt)) !== false;
    const giveUpAt = Math.min(this.askedSince + START_UP_REPORT_WAIT_MS * this.d.scale, this.deadline);
    if (!this.done && Date.now() >= giveUpAt) {
      this.done = true;
      this.d.emit(
        'no_start_up_report',
        `the agent did not report the end of its start-up within ${seconds(Date.now() - this.askedSince)} of a ready input box (are its hooks running?); pasting anyway`,
      );
    }
    return this.done;
  }
}

function notReady(d: Delivery, screen: string, lines: number, readyWithoutBracketedPaste: boolean): CzarError {
  if (readyWithoutBracketedPaste) {
    return d.fail(
      `never turned on bracketed paste (ESC [?2004h) within ${seconds(d.preset.readyTimeoutMs * d.scale)}, so its ${lines}-line message would arrive as separate submissions and czar did not paste it; give this program one-line tasks, or use an agent that supports bracketed paste`,
    );
  }
  return d.fail(
    `never showed a ready ${d.preset.name} input box within ${seconds(d.preset.readyTimeoutMs * d.scale)} (${lastDrawn(screen)})`,
  );
}
