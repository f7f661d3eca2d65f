import { setTimeout as sleep } from 'node:timers/promises';
import { loadPerCore } from '../adapters/process.js';
import type { Tmux } from '../adapters/tmux.js';
import { DEAD_STATUS_GRACE_MS, deadWithoutStatus } from '../adapters/tmux-words.js';
import type { AgentPreset } from '../agents/preset.js';
import { CzarError } from '../domain/model/errors.js';
import { loadScale } from './delivery-steps.js';

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
  /**
   * Whether the agent said its start-up is over: it reported since it was started, and since `after` (a dialog
   * answer that may have started it again). Given only for an agent whose input box takes text before then and may
   * hold a submission unsent (preset `startUpReport`).
   */
  readonly startedUp?: (after: number) => Promise<boolean>;
  /** Called once the agent is first ready for the paste: its start-up is over (a launch frees its slot then). */
  readonly onReady?: () => void;
  /**
   * Resolves at the pane's next output (no sooner than a floor, or `floorMs` when given), or after `withinMs`: the
   * screen is looked at again then.
   */
  readonly nextOutput?: (withinMs: number, floorMs?: number) => Promise<void>;
}

/** The longest wait between two looks at the screen while the agent draws nothing. */
const POLL_MS = 100;
/**
 * Between two looks at a pane whose output czar cannot watch (a host's: its log is on the host). Each look is one
 * capture down the host's control connection, and a delivery waits for a few in turn: ready, pasted, submitted.
 */
const UNWATCHED_POLL_MS = 50;
/** Between two asks for a dead pane's exit status. */
const DEAD_STATUS_POLL_MS = 50;

/** The imperative shell of one delivery: the pane it reads and types into. */
export class Delivery {
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

  /** Between two looks at the screen: until the agent draws, at most POLL_MS; UNWATCHED_POLL_MS when unwatched. */
  pause(): Promise<void> {
    return this.options.nextOutput?.(POLL_MS) ?? sleep(UNWATCHED_POLL_MS);
  }

  /**
   * Before the first look after a paste or a key: until the agent draws what it caused, at most POLL_MS. A look at
   * once came before the draw nearly every time, and the next waited for the floor between looks. An unwatched pane
   * is looked at at once.
   */
  drawn(): Promise<void> {
    return this.options.nextOutput?.(POLL_MS, 0) ?? Promise.resolve();
  }

  /** Throws when the pane is gone, dead or has input off; leaves copy mode (keys and pastes would go to tmux). */
  async checkPane(): Promise<void> {
    let pane = await this.tmux.pane(this.paneId);
    // The exit status names the agent's failure: wait the moment tmux takes to fill it in.
    const until = Date.now() + DEAD_STATUS_GRACE_MS;
    while (pane !== undefined && deadWithoutStatus(pane) && Date.now() < until) {
      await sleep(DEAD_STATUS_POLL_MS);
      pane = await this.tmux.pane(this.paneId);
    }
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

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
