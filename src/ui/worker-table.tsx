/** One row per worker, columns chosen for the width, scrolled so the selected row stays in view. */
import { useRef } from 'react';
import { Text } from 'ink';
import type { HostStatus, WorkerStatus } from '../domain/status/status-schema.js';
import { Since } from './clock.js';
import { MARKER_WIDTH, fit, layoutColumns, rowCells, stateBadge, type Column } from './format.js';
import { windowStart } from './screen-plan.js';
import { familyDepth } from './family.js';
import { hostsOutOfSight, OUT_OF_SIGHT, outOfSight } from './host-format.js';

export interface WorkerTableProps {
  readonly workers: readonly WorkerStatus[];
  readonly selected: number;
  readonly now: number;
  readonly width: number;
  /** Worker rows that fit (the header line comes on top). */
  readonly rows: number;
  readonly hosts?: readonly HostStatus[] | undefined;
}

export function WorkerTable({ workers, selected, now, width, rows, hosts }: WorkerTableProps) {
  const unseen = hostsOutOfSight(hosts);
  const columns = layoutColumns(width, workers);
  // Scroll as little as possible: remember where the window was.
  const start = useRef(0);
  start.current = windowStart(workers.length, selected, rows, start.current);
  const visible = workers.slice(start.current, start.current + rows);
  // One character says there are rows above, below or both; the selected row is always in view.
  const above = start.current > 0;
  const below = start.current + visible.length < workers.length;
  const scrollMark = above && below ? '↕' : above ? '↑' : below ? '↓' : '';
  return (
    <>
      <Text wrap="truncate-end" bold dimColor>
        {fit(scrollMark, MARKER_WIDTH)}
        {columns.map((column) => fit(column.header, column.width, column.align)).join(' ')}
      </Text>
      {workers.length === 0 ? <Text dimColor> No workers in this fleet yet.</Text> : null}
      {visible.map((worker, offset) => (
        <Row
          key={worker.name}
          worker={worker}
          columns={columns}
          now={now}
          selected={start.current + offset === selected}
          hostUnseen={outOfSight(worker, unseen)}
          depth={familyDepth(workers, worker)}
        />
      ))}
    </>
  );
}

interface RowProps {
  readonly worker: WorkerStatus;
  readonly columns: readonly Column[];
  readonly now: number;
  readonly selected: boolean;
  /** Its host is cut off or refused: the row says so instead of a state czar cannot see now. */
  readonly hostUnseen: boolean;
  readonly depth: number;
}

function Row({ worker, columns, now, selected, hostUnseen, depth }: RowProps) {
  const cells = rowCells(worker, now, hostUnseen ? OUT_OF_SIGHT : undefined, depth);
  const badge = hostUnseen ? { color: 'red' } : stateBadge(worker.state);
  return (
    <Text wrap="truncate-end" bold={selected}>
      <Text color="cyan">{fit(selected ? '›' : '', MARKER_WIDTH)}</Text>
      {columns.map((column, index) => (
        <Text key={column.id}>
          {index > 0 ? ' ' : ''}
          {column.id === 'quiet' ? (
            <Since at={worker.lastOutputAt} base={now} width={column.width} align={column.align} />
          ) : (
            <Text color={cellColor(column, badge.color, cells.alerts)} dimColor={column.id === 'branch'}>
              {fit(cells[column.id], column.width, column.align)}
            </Text>
          )}
        </Text>
      ))}
    </Text>
  );
}

function cellColor(column: Column, stateColor: string, alerts: string): string | undefined {
  if (column.id === 'state') return stateColor;
  if (column.id === 'alerts' && alerts !== '') return 'red';
  return undefined;
}
