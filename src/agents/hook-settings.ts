/** Builds the hook entries that make an agent call `czar report --hook <Event>` (Claude Code and Gemini CLI share a shape). */

export interface HookEvent {
  readonly event: string;
  /** Claude: regex on the tool name or notification type; Gemini: the same for its events. */
  readonly matcher?: string;
}

/**
 * The shell command an agent runs for one event. Agents run hook commands through `sh -c`, so each word of czar's
 * own argv is single-quoted; the event name is a fixed identifier.
 */
export function hookShellCommand(czarCommand: readonly string[], event: string): string {
  return [...czarCommand, 'report', '--hook', event].map(shellQuote).join(' ');
}

/** `{ Event: [{ matcher?, hooks: [{ type: 'command', command, timeout }] }] }`; `timeout` is in the agent's own unit. */
export function hookTable(
  events: readonly HookEvent[],
  czarCommand: readonly string[],
  timeout: number,
): Record<string, unknown[]> {
  const table: Record<string, unknown[]> = {};
  for (const { event, matcher } of events) {
    const group = {
      ...(matcher === undefined ? {} : { matcher }),
      hooks: [{ type: 'command', command: hookShellCommand(czarCommand, event), timeout }],
    };
    (table[event] ??= []).push(group);
  }
  return table;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
