import { REVIEW_SEVERITIES } from '../domain/model/words.js';

/**
 * The simulated agent as a reviewer (`czar-sim-agent --review`): reads the review prompt on stdin and answers with
 * the verdict the worker's task scripts for this round. `@sim review` lines, in order, answer rounds 1, 2, ...:
 *
 *   @sim review request_changes src/a.ts:3 major handle the empty list
 *   @sim review approve reads well
 *   @sim review malformed        (prose instead of a verdict, every time it is asked)
 *   @sim review hang             (never answers: the reviewer's timeout stops it)
 *   @sim review wait 2 approve   (answers after 2 s)
 *   @sim review usage 1200 300 claude-sonnet-4-5   (every answer reports this usage; not a round)
 *
 * A round with no line approves, and so does a request for changes whose fix is already in the diff (the line the
 * simulated worker adds when it answers a review fix-up), as a reviewer would once its finding is addressed.
 */

const REVIEW_LINE = /^\s*@sim review (.*)$/gm;
/** The round czar's review prompt names in its first line. */
const ROUND = /^Review round (\d+) of \d+/m;
/** What the simulated worker writes when it addresses a finding (`sim/directives.ts`), as it shows in a diff. */
export const ADDRESSED_MARK = '// addressed the review finding';

/** The key of the line the simulated reviewer reports its scripted usage on, before its verdict. */
export const SIM_USAGE_KEY = 'sim_review_usage';

export type SimReviewAnswer =
  { readonly kind: 'print'; readonly text: string; readonly waitMs: number } | { readonly kind: 'hang' };

/** What the simulated reviewer answers to `prompt`: pure, so the scripting is unit-tested without a process. */
export function simReviewAnswer(prompt: string): SimReviewAnswer {
  const round = Number(ROUND.exec(prompt)?.[1] ?? '1');
  const all = [...prompt.matchAll(REVIEW_LINE)].map((match) => (match[1] ?? '').trim());
  const lines = all.filter((line) => !line.startsWith('usage '));
  const usage = usageLine(all.find((line) => line.startsWith('usage ')));
  let line = lines[round - 1] ?? 'approve looks good';
  let waitMs = 0;
  const wait = /^wait (\d+(?:\.\d+)?) (.*)$/.exec(line);
  if (wait !== undefined && wait !== null) {
    waitMs = Number(wait[1]) * 1000;
    line = wait[2] ?? '';
  }
  const [verb = '', ...words] = line.split(/\s+/);
  switch (verb) {
    case 'hang':
      return { kind: 'hang' };
    case 'malformed':
      return { kind: 'print', text: `${usage}I had a look and it seems fine to me.\n`, waitMs };
    case 'request_changes':
      if (prompt.includes(`+${ADDRESSED_MARK}`)) break;
      return { kind: 'print', text: usage + verdict('request_changes', words), waitMs };
    default:
      return { kind: 'print', text: usage + approval(words.join(' ') || 'looks good'), waitMs };
  }
  return { kind: 'print', text: usage + approval('the finding is addressed'), waitMs };
}

/** `usage 1200 300 claude-sonnet-4-5` as the line the simulated review mode reads its usage from ('' when absent). */
function usageLine(line: string | undefined): string {
  if (line === undefined) return '';
  const [, input = '0', output = '0', model = 'claude-sonnet-4-5'] = line.split(/\s+/);
  return `${JSON.stringify({ [SIM_USAGE_KEY]: { model, input: Number(input), output: Number(output) } })}\n`;
}

function approval(summary: string): string {
  return `${JSON.stringify({ verdict: 'approve', summary, findings: [] })}\n`;
}

/** `src/a.ts:3 major text...` as a verdict with that one finding. */
function verdict(kind: 'request_changes', words: readonly string[]): string {
  const [place = '', severity = 'major', ...text] = words;
  const [file, line] = place.split(':');
  const finding = {
    ...(file === undefined || file === '' ? {} : { file }),
    ...(line === undefined || !/^\d+$/.test(line) ? {} : { line: Number(line) }),
    severity: (REVIEW_SEVERITIES as readonly string[]).includes(severity) ? severity : 'major',
    text: text.join(' ') || 'please change this',
  };
  return `${JSON.stringify({ verdict: kind, summary: `1 finding: ${finding.text}`, findings: [finding] })}\n`;
}

/** Runs the simulated reviewer on this process's stdin and stdout; resolves with the exit code. */
export async function runSimReview(stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream): Promise<number> {
  let prompt = '';
  for await (const chunk of stdin) prompt += String(chunk);
  const answer = simReviewAnswer(prompt);
  // A pending promise alone lets node exit: a timer keeps the hung reviewer alive until it is killed.
  if (answer.kind === 'hang') await new Promise(() => setInterval(() => undefined, 60_000));
  else {
    if (answer.waitMs > 0) await new Promise((resolve) => setTimeout(resolve, answer.waitMs));
    stdout.write(answer.text);
  }
  return 0;
}
