import { visible } from './sanitize.js';

/** A prompt as the agent recorded it in its own records (transcript, rollout, chat), with when. */
export interface RecordedPrompt {
  readonly text: string;
  readonly at: number | undefined;
}

/** Largest recorded prompt kept: a task longer than this is not compared past it. */
export const MAX_PROMPT_CHARS = 256 * 1024;
/** Longest line quoted in an alert. */
const QUOTE_CHARS = 120;

/**
 * Lines as they should compare: CRLF and trailing spaces differ by terminal, not by content, and Gemini CLI records a
 * pasted `@` as `\@` (czar turns on its `ui.escapePastedAtSymbols`).
 */
function lines(text: string): string[] {
  const all = text
    .replace(/\r\n?/g, '\n')
    .replace(/\\@/g, '@')
    .split('\n')
    .map((line) => line.trimEnd());
  while (all.length > 0 && all.at(-1) === '') all.pop();
  return all;
}

const quote = (line: string): string =>
  `"${visible(line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line)}"`;

/**
 * Whether the prompt the agent recorded holds the task czar sent (a brief wraps the task in more text), and if not,
 * the first line that differs, quoted with its control characters visible. Undefined when it holds it whole.
 */
export function promptDifference(task: string, recorded: string): string | undefined {
  const sent = lines(task);
  const got = lines(recorded.slice(0, MAX_PROMPT_CHARS));
  const first = sent.findIndex((line) => line !== '');
  if (first < 0) return undefined;
  const start = got.indexOf(sent[first] ?? '');
  if (start < 0)
    return `czar sent ${quote(sent[first] ?? '')} but the agent recorded ${quote(got.find((line) => line !== '') ?? '')}`;
  for (let index = first; index < sent.length; index += 1) {
    const at = start + index - first;
    const want = sent[index] ?? '';
    if (at >= got.length)
      return `czar sent ${quote(want)} but the agent recorded nothing after ${quote(got.at(-1) ?? '')}`;
    if (got[at] !== want) return `czar sent ${quote(want)} but the agent recorded ${quote(got[at] ?? '')}`;
  }
  return undefined;
}
