import { setTimeout as sleep } from 'node:timers/promises';
import type { Tmux } from '../adapters/tmux.js';
import type { AgentPreset } from '../agents/preset.js';
import { neutraliseControls } from '../domain/model/sanitize.js';
import { Delivery, seconds, type DeliveryOptions } from './delivery-pane.js';
import {
  pasteLanded,
  pasteLandMs,
  pasteMarkers,
  shownDialog,
  submitStep,
  type PasteMarkers,
  type SubmitStep,
} from './delivery-steps.js';
import { waitUntilReady } from './ready-wait.js';

/**
 * Verified delivery of a task into an agent's TUI: wait until its input box is ready (answering first-run dialogs
 * on purpose), paste through a bracketed paste, check the paste landed, wait the preset's quiet time, press Enter,
 * and check the submission took, retrying Enter with backoff. The text is pasted at most once while it may still
 * sit in the input box, so a retry can never submit it twice.
 */

export interface DeliveryResult {
  /** Enter presses it took to submit (1 when the first one took). */
  readonly attempts: number;
  /** Ids of the dialogs answered on the way, in order. */
  readonly dialogsAnswered: string[];
}

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

async function deliver(d: Delivery, text: string, answerDialogs: boolean): Promise<DeliveryResult> {
  const safe = neutraliseControls(text);
  const lines = safe.split('\n').length;
  const startedAt = Date.now();
  let ready = await waitUntilReady(d, answerDialogs, lines);
  const dialogsAnswered = ready.dialogs;
  d.options.onReady?.();
  const landMs = pasteLandMs(d.scale, Date.now() - startedAt);
  const markers = pasteMarkers(safe);
  for (let paste = 1; paste <= MAX_PASTES; paste += 1) {
    // The wait just looked at the pane (alive, out of copy mode) and read this screen: asked again, they cost two
    // tmux calls and told the same.
    const before = ready.screen;
    await d.tmux.paste(d.paneId, safe);
    const pastedAt = Date.now();
    d.emit('pasted', `pasted ${Buffer.byteLength(safe)} bytes into ${d.paneId}`);
    const landed = await pollScreen(d, landMs / d.scale, (screen) => pasteLanded(d.preset, screen, before, markers));
    if (landed === undefined) {
      // Paste again only when the input box is provably empty: never risk two copies of the task.
      const input = d.preset.inputText?.(await d.capture());
      if (input === '' && paste < MAX_PASTES) {
        d.emit('paste_retry', 'the paste did not show in the input box, which is empty; pasting again');
        ready = await waitUntilReady(d, answerDialogs, lines);
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

/** Presses Enter until the submission shows, never into a dialog; returns the number of presses. */
async function submit(d: Delivery, markers: PasteMarkers): Promise<number> {
  if (d.preset.enterOnce === true) return submitOnce(d);
  for (let attempt = 1; attempt <= MAX_ENTERS; attempt += 1) {
    await d.checkPane();
    const beforeEnter = await d.capture();
    const dialog = shownDialog(d.preset, beforeEnter);
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

/**
 * One Enter into a shell, judged by the shell: its screen changed, or it runs another command in the foreground. A
 * command that prints nothing for a while shows neither, and is still submitted: a shell reads every Enter, so none
 * is pressed again (it would go to the running program).
 */
async function submitOnce(d: Delivery): Promise<number> {
  await d.checkPane();
  const [beforeEnter, shell] = await Promise.all([d.capture(), d.tmux.pane(d.paneId)]);
  await d.tmux.sendKeys(d.paneId, ['Enter']);
  const took = await pollScreen(d, FIRST_SUBMIT_WAIT_MS, async (screen) => {
    if (screen !== beforeEnter) return true;
    const now = await d.tmux.pane(d.paneId);
    return now !== undefined && now.currentCommand !== shell?.currentCommand;
  });
  d.emit(
    'submitted',
    took !== undefined
      ? 'task submitted'
      : 'task submitted with one Enter; the shell shows nothing yet (a command that prints nothing), and no Enter is pressed again, as it would go to the running program',
  );
  return 1;
}

/**
 * Looks at the screen after each draw until `accept` holds (returns that screen) or the scaled budget runs out; the
 * first look waits for the draw that the paste or key just sent causes.
 */
async function pollScreen(
  d: Delivery,
  budgetMs: number,
  accept: (screen: string) => boolean | Promise<boolean>,
): Promise<string | undefined> {
  const deadline = Date.now() + budgetMs * d.scale;
  await d.drawn();
  for (;;) {
    const screen = await d.capture();
    if (await accept(screen)) return screen;
    if (Date.now() > deadline) return undefined;
    await d.pause();
  }
}
