/** The `?` overlay: every key the dashboard understands. */
import { Text } from 'ink';
import { fit } from './format.js';

export const KEYS: readonly (readonly [string, string])[] = [
  ['↑ ↓  j k', 'select a worker'],
  ['Enter  a', "attach to the worker's tmux pane (detach with C-b d to come back)"],
  ['s', 'send the worker a one-line message'],
  ['c', 'leave a review comment ([FILE:LINE] text), delivered between its turns'],
  ['b', 'give the worker the next bonus task now'],
  ['r', "restart the worker's agent (asks first)"],
  ['p', 'pause or resume autonomy for the worker'],
  ['P', 'pause or resume autonomy for the whole fleet'],
  ['l', "open the worker's log in a pager"],
  ['?', 'show or hide this help'],
  ['f', 'show the next fleet (czar dashboard --all)'],
  ['q', 'quit the dashboard (the fleet keeps running)'],
];

export interface HelpProps {
  readonly height: number;
}

export function Help({ height }: HelpProps) {
  const rows = KEYS.slice(0, Math.max(0, height - 1));
  return (
    <>
      <Text bold wrap="truncate-end">
        Keys <Text dimColor>(any key closes this)</Text>
      </Text>
      {rows.map(([keys, meaning]) => (
        <Text key={keys} wrap="truncate-end">
          <Text color="cyan">{fit(keys, 10)}</Text> {meaning}
        </Text>
      ))}
    </>
  );
}

/** The hint line under the table, shortened for narrow terminals. */
export function keyHints(width: number): string {
  return width >= 110
    ? '↑↓/jk select · ⏎/a attach · s send · c comment · b bonus · r restart · p pause · P pause all · l log · ? help · q quit'
    : '⏎ attach · s send · c comment · b bonus · r restart · p/P pause · l log · ? help · q quit';
}
