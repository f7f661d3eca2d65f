import type { ReportedState } from '../domain/types.js';

/** What one agent hook event says about the worker; undefined when it says nothing worth recording. */
export interface HookState {
  readonly state: ReportedState;
  readonly note?: string;
  /** The event marks the end of a turn: it must not undo a done the turn reported (see `mergeReport`). */
  readonly turnEnd?: true;
}

/** Notification types that mean the agent is blocked on the person (Claude Code, Gemini CLI). */
const WAITING_NOTIFICATIONS = new Set(['permission_prompt', 'elicitation_dialog', 'ToolPermission']);

/**
 * Maps a hook event (Claude Code and Gemini CLI pass the event JSON on stdin; Codex `notify` passes it as the last
 * argument) to a reported state. Pure: the `czar report --hook` command does the reading and writing.
 */
export function stateForHook(event: string, payload: unknown): HookState | undefined {
  switch (event) {
    case 'UserPromptSubmit':
    case 'BeforeAgent':
      return { state: 'working' };
    case 'Stop':
    case 'AfterAgent':
      return { state: 'idle', turnEnd: true };
    case 'SessionStart':
      return { state: 'idle' };
    case 'agent-turn-complete':
      // Codex notify names the event inside the payload too; anything else it might send later is not a turn end.
      return field(payload, 'type') === undefined || field(payload, 'type') === 'agent-turn-complete' ? { state: 'idle', turnEnd: true } : undefined;
    case 'PermissionRequest':
      return { state: 'waiting', note: noteOf('permission requested', field(payload, 'tool_name')) };
    case 'Notification': {
      const kind = field(payload, 'notification_type');
      if (kind === undefined || !WAITING_NOTIFICATIONS.has(kind)) return undefined;
      return { state: 'waiting', note: noteOf(kind.replaceAll('_', ' '), field(payload, 'message')) };
    }
    case 'StopFailure':
      return { state: 'idle', turnEnd: true, note: noteOf('turn failed', field(payload, 'error') ?? field(payload, 'error_type') ?? field(payload, 'message')) };
    // The session is over; pane liveness (tmux) decides between stopped and crashed, not this event.
    case 'SessionEnd':
      return undefined;
    default:
      return undefined;
  }
}

function field(payload: unknown, key: string): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const value = (payload as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return undefined;
}

/** Notes go into a report capped at 2000 characters; keep them to one short line. */
function noteOf(prefix: string, detail: string | undefined): string {
  const text = detail === undefined || detail.trim() === '' ? prefix : `${prefix}: ${detail.trim().replace(/\s+/g, ' ')}`;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
