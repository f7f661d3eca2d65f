/** Time-based rules (idle_after, stuck_after, the ladder) are checked this often with no I/O at all. */
const CLOCK_MS = 1_000;
/**
 * A pass's `decide()` still walks every worker for the rules across workers (a few microseconds each; a worker's own
 * rules run only when its inputs changed): past 100 workers the clock slows with the fleet (10 ms a worker: 5 s at
 * 500) so a quiet czar's CPU stays flat. A pass that an event asks for runs at once.
 */
const CLOCK_MS_PER_WORKER = 10;
/** The clock's ticks come a few milliseconds early or late: one early must not wait a whole interval more. */
const TICK_SLACK_MS = 100;
/** A pass asked for at a deadline runs just after it, so the deadline has passed when `decide()` looks. */
const LOOK_AGAIN_SLACK_MS = 5;

/**
 * The safety nets (the sweep of every pane, the look at every report file and branch tip) read every worker: past 250
 * workers they slow with the fleet too (40 ms a worker: 20 s at 500), as tmux hooks and file watches are the signals
 * they back up. At 500 workers the two made half of a quiet czar's garbage.
 */
const SWEEP_MS = 10_000;
const SWEEP_MS_PER_WORKER = 40;

/** How often a fleet of this size has its panes swept and its reports and branches looked at without a signal. */
export function sweepEveryMs(workers: number): number {
  return Math.max(SWEEP_MS, workers * SWEEP_MS_PER_WORKER);
}

/** How long a fleet of this size goes without a pass before the clock asks for one. */
export function clockEveryMs(workers: number): number {
  return Math.max(CLOCK_MS, workers * CLOCK_MS_PER_WORKER);
}

/**
 * When the czar passes with no event to ask for it: on the clock, and at the moment `decide()` said a worker's state
 * changes with time alone. A worker quiet for idle_after is nudged when its time is up, not at the tick after: the
 * clock alone added half a second on average, and up to 5 s in a fleet of 500.
 */
export class PassClock {
  private ticks: NodeJS.Timeout | undefined;
  private lookAgain: NodeJS.Timeout | undefined;
  /** When the last pass started: the clock asks for one only once `clockEveryMs` has passed since. */
  private lastPassAt = 0;

  constructor(
    private readonly fleetSize: () => number,
    private readonly askForPass: () => void,
  ) {}

  start(): void {
    this.ticks = setInterval(() => this.tick(), CLOCK_MS);
  }

  stop(): void {
    clearInterval(this.ticks);
    clearTimeout(this.lookAgain);
  }

  /** A pass starts now. */
  passing(): void {
    this.lastPassAt = Date.now();
  }

  /** `decide()`'s next deadline: a pass is asked for then, when the clock would come later. */
  lookAgainAt(at: number | undefined): void {
    clearTimeout(this.lookAgain);
    const wait = at === undefined ? Infinity : at - Date.now();
    if (wait >= clockEveryMs(this.fleetSize())) return;
    this.lookAgain = setTimeout(this.askForPass, Math.max(0, wait) + LOOK_AGAIN_SLACK_MS);
  }

  /** Up to 100 workers every tick asks for a pass; past that, only once the fleet's interval has passed. */
  private tick(): void {
    const every = clockEveryMs(this.fleetSize());
    if (every > CLOCK_MS && Date.now() - this.lastPassAt + TICK_SLACK_MS < every) return;
    this.askForPass();
  }
}
