/** The czar's latest actions and transitions across the fleet, newest at the bottom. */
import { Text } from 'ink';
import type { FleetEvent } from '../domain/model/words.js';
import { clockTime, truncate } from './format.js';

export interface EventFeedProps {
  readonly events: readonly FleetEvent[];
  readonly width: number;
  /** Lines including the title. */
  readonly height: number;
}

export function EventFeed({ events, width, height }: EventFeedProps) {
  if (height <= 0) return null;
  const shown = events.slice(Math.max(0, events.length - (height - 1)));
  return (
    <>
      <Text bold wrap="truncate-end">
        {truncate('czar activity', width)}
      </Text>
      {shown.length === 0 ? <Text dimColor>{truncate('Nothing yet.', width)}</Text> : null}
      {shown.map((event, index) => (
        <Text key={`${event.at}-${index}`} wrap="truncate-end">
          <Text dimColor>{clockTime(event.at)} </Text>
          {event.worker === undefined ? null : <Text color="cyan">{event.worker} </Text>}
          <Text>{event.message}</Text>
        </Text>
      ))}
    </>
  );
}
