/**
 * Relative times ("quiet 42s", "up 1h23m") move every second while the rest of the screen only changes with
 * the store. A shared 1 Hz clock re-renders only the `<Since>` leaves that subscribe to it, so an idle
 * dashboard does one small render a second instead of redrawing the whole tree.
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

/** The later of the snapshot time and the clock: a fresh snapshot and a tick both move relative times on. */
export function useNow(snapshotNow: number): number {
  const clock = useContext(ClockContext);
  const ticked = useSyncExternalStore(clock.subscribe, clock.now);
  return Math.max(snapshotNow, ticked);
}

export interface SinceProps {
  readonly at: string | undefined;
  /** The snapshot's `now`. */
  readonly base: number;
  /** Pad or cut to this many columns; unset leaves the text as is. */
  readonly width?: number;
  readonly align?: 'left' | 'right';
  readonly dimColor?: boolean;
}

/** Time since `at`, redrawn on each clock tick without touching its parent. */
export function Since({ at, base, width, align = 'left', dimColor = false }: SinceProps) {
  const text = since(at, useNow(base));
  return <Text dimColor={dimColor}>{width === undefined ? text : fit(text, width, align)}</Text>;
}
