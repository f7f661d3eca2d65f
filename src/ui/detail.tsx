/** The selected worker up close: its live pane tail, alerts, note, result file and its own recent events. */
import { Text } from 'ink';
import type { FleetEvent } from '../domain/model/words.js';
import type { WorkerStatus } from '../domain/status/status-schema.js';
import { reviewLine } from '../domain/text/review-text.js';
import { clockTime, stateText, truncate, usageLine } from './format.js';

export interface DetailProps {
  readonly worker: WorkerStatus | undefined;
  /** Last lines of the worker's pane, ANSI stripped. */
  readonly tail: readonly string[];
  /** This worker's events, newest last. */
  readonly events: readonly FleetEvent[];
  readonly width: number;
  readonly height: number;
  /** The pull request czar opened for this worker's branch, if any. */
  readonly pullRequest?: { readonly url: string; readonly state: string } | undefined;
}

interface Line {
  readonly text: string;
  readonly tone?: 'dim' | 'alert' | 'title';
}

/** Lines of the detail pane, at most `height`, each at most `width` columns. Pure, so it is tested directly. */
export function detailLines({ worker, tail, events, width, height, pullRequest }: DetailProps): Line[] {
  if (height <= 0) return [];
  if (worker === undefined) return [{ text: 'No worker selected.', tone: 'dim' }];
  const title = [
    `▸ ${worker.name}`,
    stateText(worker.state),
    worker.agent,
    worker.branch,
    worker.paneId === undefined ? 'no pane' : `pane ${worker.paneId}`,
    ...(worker.paused ? ['autonomy paused'] : []),
  ].join(' · ');
  const fixed: Line[] = [{ text: title, tone: 'title' }];
  for (const alert of worker.alerts.slice(0, 2)) fixed.push({ text: `! ${alert.message}`, tone: 'alert' });
  fixed.push({ text: `note: ${worker.note ?? '-'}` });
  const next = worker.checkpoints?.next;
  if (worker.checkpoints !== undefined)
    fixed.push({
      text: `checkpoints: ${worker.checkpoints.done}/${worker.checkpoints.total}${next === undefined ? ', all done' : `, next ${next.number}. ${next.text}`}`,
    });
  const handedOver = worker.handedOver?.at(-1);
  if (handedOver !== undefined)
    fixed.push({ text: `handed over: ${handedOver.from} → ${handedOver.to} (${handedOver.reason})`, tone: 'alert' });
  if (worker.review !== undefined) fixed.push({ text: reviewLine(worker.review) });
  if (worker.comments !== undefined) fixed.push({ text: waitingCommentsLine(worker.comments) });
  fixed.push({ text: usageLine(worker.usage) });
  if (worker.resultFile !== undefined) fixed.push({ text: `result: ${worker.resultFile}` });
  if (pullRequest !== undefined) fixed.push({ text: `PR: ${pullRequest.url} (${pullRequest.state.toLowerCase()})` });
  const room = Math.max(0, height - fixed.length);
  // Events get a quarter of what is left (at least one when there are any); the live pane gets the rest.
  const eventCount = Math.min(events.length, room >= 3 ? Math.max(1, Math.floor(room / 4)) : 0);
  const tailCount = room - eventCount;
  const paneLines = tail
    .slice(Math.max(0, tail.length - tailCount))
    .map((text): Line => ({ text: `│ ${text}`, tone: 'dim' }));
  const eventLines = events
    .slice(events.length - eventCount)
    .map((event): Line => ({ text: `${clockTime(event.at)} ${event.message}` }));
  const blank = paneLines.length === 0 && tailCount > 0 ? [{ text: '│ (no output yet)', tone: 'dim' as const }] : [];
  return [...fixed, ...blank, ...paneLines, ...eventLines]
    .slice(0, height)
    .map((line) => ({ ...line, text: truncate(line.text, width) }));
}

/** `2 comments wait for a pause: src/a.ts:3 handle the empty list; ...` (already pictured in status.json). */
function waitingCommentsLine(comments: NonNullable<WorkerStatus['comments']>): string {
  const place = (comment: (typeof comments)[number]): string =>
    comment.file === undefined ? '' : `${comment.file}${comment.line === undefined ? '' : `:${comment.line}`} `;
  const listed = comments.map((comment) => `${place(comment)}${comment.text}`).join('; ');
  return `${comments.length} comment(s) wait for a pause between turns: ${listed}`;
}

export function Detail(props: DetailProps) {
  return (
    <>
      {detailLines(props).map((line, index) => (
        <Text
          key={index}
          wrap="truncate-end"
          bold={line.tone === 'title'}
          dimColor={line.tone === 'dim'}
          color={line.tone === 'alert' ? 'red' : undefined}
        >
          {line.text}
        </Text>
      ))}
    </>
  );
}
