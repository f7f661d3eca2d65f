/**
 * The dashboard's root: reads the store through `useSyncExternalStore` (use-shown.ts), sizes the screen from the terminal,
 * and picks what the body and footer show for the current mode. Components below it only take props.
 */
import { useEffect, useMemo, useState } from 'react';
import { Box, Text, useApp, useStdout } from 'ink';
import { visibleStrings } from '../domain/model/sanitize.js';
import { ClockContext, frozenClock, type Clock } from './clock.js';
import { Confirm } from './confirm.js';
import { Detail } from './detail.js';
import { EventFeed } from './event-feed.js';
import { truncate } from './format.js';
import { familyOrder } from './family.js';
import { FOOTER_ROWS, HEADER_ROWS, planScreen } from './screen-plan.js';
import { Header } from './header.js';
import { Help, keyHints } from './help.js';
import type { DashboardActions, DashboardStore } from './ports.js';
import { PROMPT_HINT, PromptInput } from './prompt-input.js';
import type { YieldingEffect } from './effects.js';
import { initialUiState, selectedIndex, useDashboardInput, type UiState } from './use-dashboard-state.js';
import { WorkerTable } from './worker-table.js';
import { useShown, useTail } from './use-shown.js';

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export interface DashboardProps {
  readonly store: DashboardStore;
  readonly actions: DashboardActions;
  /** Drives relative times; `frozenClock` (the default) leaves them to the snapshot's `now`. */
  readonly clock?: Clock;
  /** Fixed size instead of following the terminal (tests, the snapshot script). */
  readonly size?: TerminalSize;
  /** Selection and status to start from (kept across the remounts around attach). */
  readonly initial?: UiState;
  /** Called instead of the action for attach/openLog; `runDashboard` uses it to hand over the terminal. */
  readonly onYield?: (effect: YieldingEffect, state: UiState) => void;
  /** Called on `q`; defaults to exiting the ink app. */
  readonly onQuit?: () => void;
}

/** The terminal's size, following resize events. */
export function useTerminalSize(fixed: TerminalSize | undefined): TerminalSize {
  const { stdout } = useStdout();
  const read = (): TerminalSize => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return fixed ?? size;
}

export function Dashboard(props: DashboardProps) {
  return (
    <ClockContext.Provider value={props.clock ?? frozenClock}>
      <Screen {...props} />
    </ClockContext.Provider>
  );
}

function Screen({ store, actions, size, initial, onYield, onQuit }: DashboardProps) {
  const shown = useShown(store);
  // The one place worker-written text (notes, titles, pane lines, events quoting them) enters the screen: every
  // control character is shown as a symbol, so nothing a worker wrote can drive the terminal.
  const snapshot = useMemo(() => visibleStrings(shown), [shown]);
  const { columns, rows } = useTerminalSize(size);
  const { exit } = useApp();
  const { status } = snapshot;
  // Children sit under their parent; selection and the table share this one order.
  const workers = useMemo(() => familyOrder(status.workers), [status.workers]);
  const view = { workers, fleetPaused: status.paused };
  const ui = useDashboardInput({
    initial: initial ?? initialUiState,
    view,
    actions,
    onQuit: onQuit ?? (() => exit()),
    onYield,
  });
  const index = selectedIndex(ui, view);
  const worker = workers[index];
  const storedTail = useTail(store, worker?.name);
  const tail = useMemo(() => visibleStrings(storedTail ?? []), [storedTail]);
  const plan = planScreen(columns, rows, workers.length);
  const workerEvents = worker === undefined ? [] : snapshot.events.filter((event) => event.worker === worker.name);
  const detail = (
    <Detail
      worker={worker}
      tail={tail}
      events={workerEvents}
      width={plan.detailWidth}
      height={plan.detailRows}
      pullRequest={status.integration?.pullRequests.find((pr) => pr.branch === worker?.branch)}
    />
  );
  const feed = <EventFeed events={snapshot.events} width={plan.feedWidth} height={plan.feedRows} />;
  const bodyRows = plan.sideBySide ? plan.detailRows : plan.detailRows + plan.feedRows;
  return (
    <Box flexDirection="column" width={columns} height={plan.height}>
      <Header status={status} now={snapshot.now} width={columns} />
      {ui.mode.kind === 'help' ? (
        // The overlay takes the table's room too: every key must fit on 80x24.
        <Box flexDirection="column" height={plan.height - HEADER_ROWS - FOOTER_ROWS}>
          <Help height={plan.height - HEADER_ROWS - FOOTER_ROWS} />
        </Box>
      ) : (
        <>
          <WorkerTable
            workers={workers}
            selected={index}
            now={snapshot.now}
            width={columns}
            rows={plan.tableRows}
            hosts={status.hosts}
          />
          <Box flexDirection={plan.sideBySide ? 'row' : 'column'} height={bodyRows}>
            <Box flexDirection="column" width={plan.detailWidth} height={plan.detailRows}>
              {detail}
            </Box>
            <Box
              flexDirection="column"
              width={plan.feedWidth}
              height={plan.feedRows}
              marginLeft={plan.sideBySide ? 1 : 0}
            >
              {feed}
            </Box>
          </Box>
        </>
      )}
      <Footer ui={ui} width={columns} />
    </Box>
  );
}

function Footer({ ui, width }: { readonly ui: UiState; readonly width: number }) {
  const status = ui.status;
  const tone = status?.tone === 'error' ? 'red' : status?.tone === 'pending' ? 'yellow' : 'green';
  return (
    <>
      {ui.mode.kind === 'prompt' ? (
        <Text dimColor wrap="truncate-end">
          {truncate(PROMPT_HINT, width)}
        </Text>
      ) : (
        <Text color={tone} wrap="truncate-end">
          {/* A space, not '': an empty Text has no height and the footer would jump up a line. */}
          {status === undefined ? ' ' : truncate(`${status.tone === 'error' ? '✗ ' : ''}${status.text}`, width)}
        </Text>
      )}
      {ui.mode.kind === 'prompt' ? (
        <PromptInput worker={ui.mode.worker} text={ui.mode.text} width={width} comment={ui.mode.comment} />
      ) : ui.mode.kind === 'confirm' ? (
        <Confirm question={ui.mode.question} />
      ) : (
        <Text dimColor wrap="truncate-end">
          {truncate(keyHints(width), width)}
        </Text>
      )}
    </>
  );
}
