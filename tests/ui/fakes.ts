/** Test doubles for the dashboard: actions that record their calls, and helpers to read ink frames. */
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import type { DashboardActions } from '../../src/ui/ports.js';

export type Call = readonly [keyof DashboardActions, ...(string | undefined)[]];

export interface RecordingActions {
  readonly actions: DashboardActions;
  readonly calls: Call[];
}

/** Every action resolves at once unless `overrides` says otherwise; each call is recorded first. */
export function recordingActions(overrides: Partial<DashboardActions> = {}): RecordingActions {
  const calls: Call[] = [];
  const record =
    (name: keyof DashboardActions) =>
    (...args: (string | undefined)[]): Promise<void> => {
      calls.push([name, ...args]);
      const override = overrides[name] as ((...rest: (string | undefined)[]) => Promise<void>) | undefined;
      return override === undefined ? Promise.resolve() : override(...args);
    };
  return {
    calls,
    actions: {
      attach: record('attach'),
      send: record('send'),
      comment: record('comment'),
      bonus: record('bonus'),
      restart: record('restart'),
      pause: record('pause'),
      resume: record('resume'),
      openLog: record('openLog'),
    },
  };
}

/** The frame as plain lines (no ANSI), trailing spaces trimmed. */
export function lines(frame: string | undefined): string[] {
  return stripVTControlCharacters(frame ?? '')
    .split('\n')
    .map((line) => line.trimEnd());
}

/**
 * Lets ink and React finish what one write started: ink flushes a lone Esc on setImmediate and React commits
 * the update in a microtask, so two macrotask turns are enough. No wall-clock timers involved.
 */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 3; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** Enough of a terminal for ink: a size, resize events, and a write that keeps what was written. */
export class FakeTerminal extends EventEmitter {
  readonly isTTY = false;
  written = '';
  constructor(
    readonly columns = 80,
    readonly rows = 24,
  ) {
    super();
  }
  write = (chunk: string): boolean => {
    this.written += chunk;
    return true;
  };
  asStream(): NodeJS.WriteStream {
    return this as unknown as NodeJS.WriteStream;
  }
}

/**
 * A keyboard ink can read in raw mode. Keys pressed while nobody listens (the dashboard is suspended and tmux
 * has the terminal) go to that other program, so they are dropped rather than queued.
 */
export class FakeKeyboard extends EventEmitter {
  readonly isTTY = true;
  private pending: string | null = null;
  press(data: string): void {
    if (this.listenerCount('readable') === 0) return;
    this.pending = data;
    this.emit('readable');
  }
  read(): string | null {
    const data = this.pending;
    this.pending = null;
    return data;
  }
  setEncoding(): void {}
  setRawMode(): void {}
  resume(): void {}
  pause(): void {}
  ref(): void {}
  unref(): void {}
  asStream(): NodeJS.ReadStream {
    return this as unknown as NodeJS.ReadStream;
  }
}
