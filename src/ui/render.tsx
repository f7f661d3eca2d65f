/**
 * The dashboard's imperative shell: mounts ink, and around attach and openLog unmounts it so tmux or the pager
 * owns the terminal (raw mode off, cursor back, our frames gone), then mounts again with the same selection.
 */
import { render } from 'ink';
import { Dashboard } from './app.js';
import { tickingClock, type Clock } from './clock.js';
import type { DashboardActions, DashboardStore } from './ports.js';
import { errorText, runEffect, type YieldingEffect } from './effects.js';
import { initialUiState, type UiState } from './use-dashboard-state.js';

export interface DashboardOptions {
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
  readonly stderr?: NodeJS.WriteStream;
  /** Drives relative times; defaults to a 1 Hz clock. */
  readonly clock?: Clock;
  /** Draw on the terminal's alternate screen so quitting restores what was there; defaults to stdout.isTTY. */
  readonly alternateScreen?: boolean;
  /** Route stray console output above the dashboard instead of through it (default true). */
  readonly patchConsole?: boolean;
}

type Outcome =
  { readonly kind: 'quit' } | { readonly kind: 'yield'; readonly effect: YieldingEffect; readonly state: UiState };

// xterm private mode 1049: switch to the alternate screen (saving the cursor), then clear it and home the cursor.
const CLEAR_SCREEN = '\u001b[2J\u001b[H';
const ENTER_ALTERNATE = `\u001b[?1049h${CLEAR_SCREEN}`;
const LEAVE_ALTERNATE = '\u001b[?1049l';

/** Shows the dashboard until the person quits (`q` or Ctrl+C); the fleet keeps running either way. */
export async function runDashboard(
  store: DashboardStore,
  actions: DashboardActions,
  options: DashboardOptions = {},
): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const alternate = options.alternateScreen ?? Boolean(stdout.isTTY);
  const clock = options.clock ?? tickingClock();
  let ui = initialUiState;
  for (;;) {
    if (alternate) stdout.write(ENTER_ALTERNATE);
    let outcome: Outcome;
    try {
      outcome = await mountOnce(store, actions, clock, ui, { ...options, stdout, alternate });
    } finally {
      if (alternate) stdout.write(LEAVE_ALTERNATE);
    }
    if (outcome.kind === 'quit') return;
    ui = outcome.state;
    try {
      await yieldingStdin(options.stdin ?? process.stdin, () => runEffect(actions, outcome.effect));
    } catch (error) {
      ui = { ...ui, status: { tone: 'error', text: errorText(error) } };
    }
  }
}

/**
 * Runs `program` with our hands off stdin. Unmounting ink leaves stdin's handle reading, so we would race the
 * program for every byte typed and for the terminal's answers to its queries (measured with tmux attach: tmux's
 * `ESC P >|tmux 3.3a` reply reached the remounted dashboard as the key `P`, pausing the fleet, and a `Ctrl-b d`
 * meant for tmux was lost). Pausing stops the read; whatever was read before the pause belonged to the program,
 * so it is dropped rather than replayed as keys.
 */
async function yieldingStdin(stdin: NodeJS.ReadStream, program: () => Promise<void>): Promise<void> {
  stdin.pause();
  try {
    await program();
  } finally {
    while (stdin.read() !== null) {
      // Stale input: read only to drop it.
    }
  }
}

function mountOnce(
  store: DashboardStore,
  actions: DashboardActions,
  clock: Clock,
  initial: UiState,
  streams: DashboardOptions & { readonly stdout: NodeJS.WriteStream; readonly alternate: boolean },
): Promise<Outcome> {
  let outcome: Outcome = { kind: 'quit' };
  // On a full screen, a resize leaves the old frame where the terminal put it, and ink only erases what it
  // thinks it drew. Clear the screen and make ink forget its frame before its own resize handler (registered
  // after this one) draws the next one from the top.
  const onResize = () => {
    streams.stdout.write(CLEAR_SCREEN);
    instance.clear();
  };
  if (streams.alternate) streams.stdout.on('resize', onResize);
  const instance = render(
    <Dashboard
      store={store}
      actions={actions}
      clock={clock}
      initial={initial}
      onYield={(effect, state) => {
        outcome = { kind: 'yield', effect, state };
        instance.unmount();
      }}
      onQuit={() => instance.unmount()}
    />,
    {
      stdout: streams.stdout,
      ...(streams.stdin === undefined ? {} : { stdin: streams.stdin }),
      ...(streams.stderr === undefined ? {} : { stderr: streams.stderr }),
      exitOnCtrlC: true,
      patchConsole: streams.patchConsole ?? true,
      // Whole-frame redraws (inside synchronized-output marks where the terminal has them), not ink's
      // incremental mode: measured in tmux 3.3a, incremental redraws left a stale line after a resize.
    },
  );
  return instance
    .waitUntilExit()
    .finally(() => streams.stdout.off('resize', onResize))
    .then(() => outcome);
}
