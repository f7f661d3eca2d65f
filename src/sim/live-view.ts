import { renderAsk, renderBooting, renderBusyLine, renderInputBox, renderTrustDialog } from './screen.js';

/** What the agent is doing, and so what its keys mean and what its live region shows. */
export type Mode = 'booting' | 'trust' | 'input' | 'ask' | 'hung' | 'exited';

/** The running turn's spinner: its verb and when the turn started. */
export interface Busy {
  verb: string;
  readonly since: number;
}

/** Everything the live region shows, read off the agent at each redraw. */
export interface LiveState {
  readonly mode: Mode;
  /** Spinner frame, advanced by the agent's ticker. */
  readonly frame: number;
  readonly cwd: string;
  readonly trustChoice: 0 | 1;
  readonly question: string;
  readonly busy: Busy | undefined;
  /** The composer's text as the input box shows it. */
  readonly input: string;
  /** Ctrl-C was pressed once: a second press soon exits. */
  readonly exitPending: boolean;
  /** Messages submitted whose turns have not started yet. */
  readonly queued: number;
}

/** The live region for `state`, or undefined when the agent draws nothing any more (hung or exited). */
export function renderLive(state: LiveState, width: number, now: number): string[] | undefined {
  switch (state.mode) {
    case 'hung':
    case 'exited':
      return undefined;
    case 'booting':
      return renderBooting(state.frame);
    case 'trust':
      return renderTrustDialog(state.cwd, state.trustChoice, width);
    case 'ask':
      return renderAsk(state.question, width);
    case 'input': {
      const busy =
        state.busy === undefined
          ? []
          : [renderBusyLine(state.frame, state.busy.verb, Math.floor((now - state.busy.since) / 1000), width), ''];
      return [...busy, ...renderInputBox(state.input, hint(state), width)];
    }
  }
}

function hint(state: LiveState): string {
  if (state.exitPending) return 'Press Ctrl-C again to exit';
  if (state.queued > 0) return `${state.queued} message${state.queued === 1 ? '' : 's'} queued · ? for shortcuts`;
  return '? for shortcuts';
}
