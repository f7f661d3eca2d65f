// How the dashboard's rows are shared out for a terminal size: the screen's parts, and the table's scroll window.

/** First row of a window of `visible` rows that keeps `selected` in view, scrolling as little as possible. */
export function windowStart(count: number, selected: number, visible: number, previousStart = 0): number {
  if (visible <= 0 || count <= visible) return 0;
  const clamped = Math.min(Math.max(previousStart, 0), count - visible);
  if (selected < clamped) return selected;
  if (selected >= clamped + visible) return selected - visible + 1;
  return clamped;
}

/** How many lines each part of the screen gets. */
export interface ScreenPlan {
  /** Lines drawn in total: one less than the terminal, so ink never switches to clear-and-redraw. */
  readonly height: number;
  readonly tableRows: number;
  /** Detail and feed share `bodyRows` side by side when `sideBySide`, else stacked. */
  readonly sideBySide: boolean;
  readonly detailRows: number;
  readonly feedRows: number;
  readonly detailWidth: number;
  readonly feedWidth: number;
}

export const HEADER_ROWS = 2;
export const FOOTER_ROWS = 2;
const BODY_MIN = 8;

export function planScreen(columns: number, rows: number, workerCount: number): ScreenPlan {
  const height = Math.max(HEADER_ROWS + FOOTER_ROWS + 4, rows - 1);
  const free = height - HEADER_ROWS - FOOTER_ROWS;
  // The table header line plus at least one worker row; the rest of the table may scroll.
  const tableRows = Math.max(1, Math.min(workerCount, free - 1 - BODY_MIN));
  const body = Math.max(0, free - 1 - tableRows);
  const sideBySide = columns >= 120;
  if (sideBySide) {
    const detailWidth = Math.floor(columns * 0.6);
    return {
      height,
      tableRows,
      sideBySide,
      detailRows: body,
      feedRows: body,
      detailWidth,
      feedWidth: columns - detailWidth - 1,
    };
  }
  const detailRows = Math.ceil(body * 0.6);
  return {
    height,
    tableRows,
    sideBySide,
    detailRows,
    feedRows: body - detailRows,
    detailWidth: columns,
    feedWidth: columns,
  };
}
