import { sweepEveryMs } from '../loop/pass-clock.js';

/** Screens of panes with fresh output are looked at no more often than this (one batched capture for all). */
export const SCREEN_LOOK_MS = 1_000;

/**
 * A look counts as due this much before its interval is up. The clock that asks for it ticks every second, a few
 * milliseconds early or late: a tick 2 ms early put a screen look off by a whole second, and with it the idle clock
 * of a worker whose last screen looked busy.
 */
const TICK_SLACK_MS = 100;

/** What a pass knows when it chooses its pane looks. */
export interface LookFacts {
  readonly now: number;
  /** The fleet's size: tmux is asked about every pane without a signal from its hooks every `sweepEveryMs` of it. */
  readonly workers: number;
  readonly lastSweep: number;
  readonly lastScreenLook: number;
  /** A pane died or was launched: tmux must be asked now. */
  readonly panesDirty: boolean;
  /** Some pane wrote output since its screen was looked at. */
  readonly screensDirty: boolean;
  /** This pass reads a fresh report. */
  readonly reporting: boolean;
}

/**
 * Which pane looks a pass makes: the sweep of every pane, and the screens of panes with new output. On a host each
 * costs an ssh round trip (100-250 ms with busy panes), so a pass that shows a fresh report leaves the looks that only
 * the clock asks for to the next pass (the clock runs one each second) and status.json shows the report without
 * waiting on them; a look put off for a whole interval is made anyway, so a stream of reports cannot starve it.
 */
export function paneLooks(facts: LookFacts): { sweep: boolean; look: boolean } {
  const since = (at: number, every: number): number => (facts.now - at + TICK_SLACK_MS) / every;
  const due = (at: number, every: number): boolean => since(at, every) >= (facts.reporting ? 2 : 1);
  return {
    sweep: facts.panesDirty || due(facts.lastSweep, sweepEveryMs(facts.workers)),
    look: facts.screensDirty && due(facts.lastScreenLook, SCREEN_LOOK_MS),
  };
}
