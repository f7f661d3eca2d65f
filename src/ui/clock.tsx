/**
 * Relative times ("quiet 42s", "up 1h23m") move while the rest of the screen only changes with the store. A shared
 * clock reaches only the `<Since>` leaves, and a leaf re-renders only when its text changes. Durations move in 5 s and
 * 1 min steps, and the clock moves in 5 s steps of the wall clock, so every leaf that changes changes in the same
 * frame: an idle dashboard draws at most one frame per step, however many workers it shows.
 */
import { createContext, useContext, useSyncExternalStore } from 'react';
import { Text } from 'ink';
import { fit, since } from './format.js';

/** A time source the dashboard can subscribe to; `now()` must stay the same between ticks. */
export interface Clock {
  now(): number;
  subscribe(onTick: () => void): () => void;
}

/**
 * Looks every `intervalMs` while anything listens and moves in steps of `stepMs` of the wall clock, telling the
 * listeners only when it moved; the timer is unref'd so it never keeps the process alive.
 */
export function tickingClock(intervalMs = 1000, read: () => number = Date.now, stepMs = 5000): Clock {
  const stepped = (): number => {
    const at = read();
    return at - (at % stepMs);
  };
  let current = stepped();
  const listeners = new Set<() => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    now: () => current,
    subscribe(onTick) {
      listeners.add(onTick);
      if (timer === undefined) {
        current = stepped();
        timer = setInterval(() => {
          const next = stepped();
          if (next === current) return;
          current = next;
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
