import type { RunResult } from './process.js';

/** Printed between batched captures; must not start with `-` or tmux parses it as a flag. */
const CAPTURE_DELIMITER = '@@czar-capture-end@@';

/** Runs tmux commands as one `;`-joined invocation, a failing one ending the chain. */
type Chain = (commands: readonly (readonly string[])[]) => Promise<RunResult>;

/** Several screens in one tmux invocation: each capture is followed by a delimiter line to split the output on. */
export async function captureScreens(chain: Chain, paneIds: readonly string[]): Promise<Map<string, string>> {
  const screens = new Map<string, string>();
  if (paneIds.length === 0) return screens;
  const commands = paneIds.flatMap((id) => [
    ['capture-pane', '-p', '-J', '-t', id],
    ['display-message', '-p', CAPTURE_DELIMITER],
  ]);
  const result = await chain(commands);
  // tmux stops a chain at the first failing command (a pane that is gone): the panes before it were read, that one
  // reads as empty, and the rest are read again.
  const parts = result.stdout.split(`${CAPTURE_DELIMITER}\n`);
  const read = result.exitCode === 0 ? paneIds.length : parts.length - 1;
  paneIds.slice(0, read).forEach((id, index) => screens.set(id, parts[index] ?? ''));
  const gone = paneIds[read];
  if (gone !== undefined) {
    screens.set(gone, '');
    for (const [id, screen] of await captureScreens(chain, paneIds.slice(read + 1))) screens.set(id, screen);
  }
  return screens;
}
