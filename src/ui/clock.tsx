/**
 * Relative times ("quiet 42s", "up 1h23m") move every second while the rest of the screen only changes with
 * the store. A shared 1 Hz clock reaches only the `<Since>` leaves, and a leaf re-renders only when its text
 * changes (durations move in 5 s and 1 min steps), so an idle dashboard draws a frame every few seconds.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import { Text } from 'ink';
import { fit, since } from './format.js';

/** A time source the dashboard can subscribe to; `now()` must stay the same between ticks. */
export interface Clock {
  now(): number;
  subscribe(onTick: () => void): () => void;
}

/** Ticks every `intervalMs` while anything listens; the timer is unref'd so it never keeps the process alive. */
export function tickingClock(intervalMs = 1000, read: () => number = Date.now): Clock {
  let current = read();
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    now: () => current,
    subscribe(onTick) {
      listeners.add(onTick);
      if (timer === undefined) {
        current = read();
        timer = setInterval(() => {
          current = read();
          for (const listener of listeners) listener();
        }, intervalMs);
        timer.unref();
      }
      return () => {
        listeners.delete(onTick);
        if (listeners.size === 0 && timer !== undefined) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
  };
}

/** A clock that never moves: relative times then come from the snapshot's `now` alone (tests, snapshots). */
export const frozenClock: Clock = { now: () => 0, subscribe: () => () => undefined };

export const ClockContext = createContext<Clock>(frozenClock);

export interface SinceProps {
  readonly at: string | undefined;
  /** The snapshot's `now`. */
  readonly base: number;
  /** Pad or cut to this many columns; unset leaves the text as is. */
  readonly width?: number;
  readonly align?: 'left' | 'right';
  readonly dimColor?: boolean;
}

/** Time since `at`, redrawn when a clock tick changes its text, without touching its parent. */
export function Since({ at, base, width, align = 'left', dimColor = false }: SinceProps) {
  const clock = useContext(ClockContext);
  // The snapshot is the text itself, so a tick that leaves it unchanged renders nothing. The later of the
  // snapshot's time and the clock wins: both a fresh snapshot and a tick move relative times on.
  const text = useSyncExternalStore(clock.subscribe, () => since(at, Math.max(base, clock.now())));
  return <Text dimColor={dimColor}>{width === undefined ? text : fit(text, width, align)}</Text>;
}
