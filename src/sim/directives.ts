import path from 'node:path';
import { ADDRESSED_MARK } from './review.js';
import { REPORTED_STATES, type ReportedState } from '../domain/model/words.js';

/** One `@sim` line of a task: what the simulated agent does, in order. */
export type Directive =
  | { readonly kind: 'work'; readonly seconds: number; readonly label: string }
  | { readonly kind: 'write'; readonly path: string; readonly text: string }
  | { readonly kind: 'append'; readonly path: string; readonly text: string }
  | { readonly kind: 'commit'; readonly message: string }
  /** `czar spawn <child> --task <task>` from the agent's pane (`\n` in the task is a new line). */
  | { readonly kind: 'spawn'; readonly child: string; readonly task: string }
  /** `git merge <branch>`; conflicts are resolved keeping both sides, then committed. */
  | { readonly kind: 'merge'; readonly branch: string }
  | {
      readonly kind: 'report';
      readonly state: ReportedState;
      readonly progress: number | undefined;
      readonly note: string | undefined;
    }
  /** `czar report --checkpoint <which>`, run as an agent runs it: the czar on PATH, in the worktree. */
  | { readonly kind: 'checkpoint'; readonly which: string }
  | { readonly kind: 'result'; readonly text: string }
  /** A shell command, run as an agent's shell tool runs one: `sh -c` in the worktree (`\n` is a new line). */
  | { readonly kind: 'run'; readonly command: string }
  /** Record a model call in a Claude-shaped transcript, so czar's usage tracking can be tested without a model. */
  | { readonly kind: 'usage'; readonly input: number; readonly output: number; readonly model: string }
  /** Record the prompt as received (or with its last line changed, as an agent that got something else) in the transcript. */
  | { readonly kind: 'record'; readonly altered: boolean }
  | { readonly kind: 'ask'; readonly question: string }
  | { readonly kind: 'quiet' }
  | { readonly kind: 'crash'; readonly code: number }
  | { readonly kind: 'hang' }
  /** Every model call of the turn fails with this HTTP status: the turn ends as the real CLI ends it. */
  | { readonly kind: 'api-error'; readonly status: number; readonly message: string }
  | { readonly kind: 'done'; readonly note: string | undefined };

export interface ParsedDirectives {
  readonly directives: readonly Directive[];
  /** One sentence per `@sim` line that could not be understood (the agent prints them and skips the line). */
  readonly problems: readonly string[];
}

const PREFIX = '@sim ';
/** `@sim review` lines script the reviewer (`sim/review.ts`), not the worker. */
const REVIEW_PREFIX = '@sim review ';
/** The command a message asks to run, quoted as code: `git merge <branch>`. */
const MERGE_INSTRUCTION = /`git merge ([\w.][\w./-]*)`/;
/** A reviewer's finding or a person's comment as czar lists it: `src/a.ts:3 [major] text`, `src/a.ts:3 [comment] text`. */
const REVIEW_FINDING = /^\s*([\w.][\w./-]*):\d+ \[(?:blocker|major|minor|comment)\]/m;

/** Finds the `@sim` lines in a task; every other line is prose the agent "reads" and ignores. */
export function parseDirectives(text: string): ParsedDirectives {
  const directives: Directive[] = [];
  const problems: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '').trimStart();
    if (!line.startsWith(PREFIX) || line.startsWith(REVIEW_PREFIX)) return;
    const parsed = parseLine(line.slice(PREFIX.length).trim());
    if (typeof parsed === 'string') problems.push(`line ${index + 1}: ${parsed}`);
    else directives.push(parsed);
  });
  return { directives, problems };
}

/** Whether the text has any `@sim` line at all (without one, the agent does a default piece of work). */
export function hasDirectives(text: string): boolean {
  return text
    .split('\n')
    .some((line) => line.trimStart().startsWith(PREFIX) && !line.trimStart().startsWith(REVIEW_PREFIX));
}

/** What the agent does with a task that has no `@sim` line: a short, honest piece of work, committed. */
export function defaultDirectives(worker: string, task: string, followUp = false): Directive[] {
  // A follow-up that asks for a merge (the czar's integration fix-up names the command) gets one, as an agent
  // following the instructions would do it: merge, resolve keeping both sides, commit, report done.
  const merge = followUp ? MERGE_INSTRUCTION.exec(task)?.[1] : undefined;
  if (merge !== undefined)
    return [
      { kind: 'work', seconds: 2, label: `merging ${merge}` },
      { kind: 'merge', branch: merge },
      { kind: 'done', note: `merged ${merge} and resolved its conflicts` },
    ];
  // Review findings are answered as an agent that agrees would: a change to the file named first, committed.
  const finding = followUp ? REVIEW_FINDING.exec(task)?.[1] : undefined;
  if (finding !== undefined && pathProblem(finding) === undefined)
    return [
      { kind: 'work', seconds: 2, label: 'the review findings' },
      { kind: 'append', path: finding, text: `\n${ADDRESSED_MARK}\n` },
      { kind: 'commit', message: 'address the review findings' },
      { kind: 'done', note: 'addressed the review findings' },
    ];
  // A follow-up with no directive (a nudge, a realign note) is answered the way an agent usually does: it wraps up
  // and says it is done, without new files that might fall outside its scope.
  if (followUp)
    return [
      { kind: 'work', seconds: 2, label: 'the follow-up' },
      { kind: 'done', note: 'wrapped up after the reminder' },
    ];
  const firstLine =
    task
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? '(empty task)';
  const summary = [
    `# ${worker}`,
    '',
    'Simulated work for the task that starts with:',
    '',
    `> ${firstLine.slice(0, 200)}`,
    '',
    `Task length: ${task.length} characters, ${task.split('\n').length} lines.`,
    '',
  ].join('\n');
  return [
    { kind: 'work', seconds: 3, label: 'the task' },
    { kind: 'write', path: `sim/${worker}.md`, text: summary },
    { kind: 'commit', message: `${worker}: simulated work` },
    { kind: 'done', note: 'default simulated task finished' },
  ];
}

function parseLine(body: string): Directive | string {
  const [verb = '', ...words] = body.split(/\s+/);
  const rest = words.join(' ');
  switch (verb) {
    case 'work': {
      const seconds = Number(words[0]);
      if (words[0] === undefined || !Number.isFinite(seconds) || seconds < 0)
        return `"@sim work" needs a number of seconds >= 0, got "${words[0] ?? ''}"; write e.g. "@sim work 5 refactoring".`;
      return { kind: 'work', seconds, label: words.slice(1).join(' ') };
    }
    case 'write':
    case 'append': {
      const file = words[0];
      if (file === undefined)
        return `"@sim ${verb}" needs a path and text; write e.g. "@sim ${verb} notes.md hello\\nworld".`;
      const problem = pathProblem(file);
      if (problem !== undefined) return `"@sim ${verb} ${file}": ${problem}`;
      // Text is everything after the path's first following space, so inner spacing survives.
      const text = /^\S+\s+\S+\s?(.*)$/s.exec(body)?.[1] ?? '';
      return { kind: verb, path: file, text: unescape(text) };
    }
    case 'commit':
      return rest === ''
        ? `"@sim commit" needs a message; write e.g. "@sim commit add parser".`
        : { kind: 'commit', message: rest };
    case 'merge':
      return words[0] === undefined || words.length > 1 || words[0].startsWith('-')
        ? `"@sim merge" needs one branch name, got "${rest}"; write e.g. "@sim merge czar/integration".`
        : { kind: 'merge', branch: words[0] };
    case 'report':
      return parseReport(words);
    case 'checkpoint':
      return rest === ''
        ? `"@sim checkpoint" needs a checkpoint's number or text; write e.g. "@sim checkpoint 2".`
        : { kind: 'checkpoint', which: rest };
    case 'spawn':
      return words[0] === undefined || words.length < 2
        ? `"@sim spawn" needs a child's name and its task, got "${rest}"; write e.g. "@sim spawn parser # Parser\\n@sim done".`
        : { kind: 'spawn', child: words[0], task: unescape(/^\S+\s+\S+\s(.*)$/s.exec(body)?.[1] ?? '') };
    case 'run':
      return rest === ''
        ? `"@sim run" needs a command; write e.g. "@sim run ls -la".`
        : { kind: 'run', command: unescape(rest) };
    case 'result':
      return rest === ''
        ? `"@sim result" needs text; write e.g. "@sim result parser done; docs left".`
        : { kind: 'result', text: unescape(rest) };
    case 'usage': {
      const [input, output] = [Number(words[0]), Number(words[1])];
      if (!Number.isInteger(input) || !Number.isInteger(output) || input < 0 || output < 0)
        return `"@sim usage" needs input and output token counts, got "${rest}"; write e.g. "@sim usage 1200 300 claude-sonnet-4-5".`;
      return { kind: 'usage', input, output, model: words[2] ?? 'claude-sonnet-4-5' };
    }
    case 'record':
      return rest === '' || rest === 'altered'
        ? { kind: 'record', altered: rest === 'altered' }
        : `"@sim record" takes nothing or "altered", got "${rest}".`;
    case 'ask':
      return rest === ''
        ? `"@sim ask" needs a question; write e.g. "@sim ask delete the old tests?".`
        : { kind: 'ask', question: rest };
    case 'quiet':
      return { kind: 'quiet' };
    case 'hang':
      return { kind: 'hang' };
    case 'done':
      return { kind: 'done', note: rest === '' ? undefined : rest };
    case 'api-error': {
      const status = Number(words[0]);
      if (!Number.isInteger(status) || status < 400 || status > 599)
        return `"@sim api-error" takes an HTTP status 400-599, got "${words[0] ?? ''}"; write e.g. "@sim api-error 429".`;
      return { kind: 'api-error', status, message: words.slice(1).join(' ') || `simulated failure ${status}` };
    }
    case 'crash': {
      const code = words[0] === undefined ? 1 : Number(words[0]);
      if (!Number.isInteger(code) || code < 0 || code > 255)
        return `"@sim crash" takes an exit code 0-255, got "${words[0] ?? ''}".`;
      return { kind: 'crash', code };
    }
    default:
      return `unknown directive "@sim ${verb}"; known: work, write, append, commit, merge, report, checkpoint, result, usage, record, ask, quiet, crash, hang, api-error, done.`;
  }
}

function parseReport(words: readonly string[]): Directive | string {
  const [state, ...rest] = words;
  if (!REPORTED_STATES.includes(state as ReportedState)) {
    return `"@sim report" needs a state (${REPORTED_STATES.join(', ')}), got "${state ?? ''}".`;
  }
  const progress =
    rest[0] !== undefined && /^\d+(\.\d+)?%?$/.test(rest[0]) ? Number(rest[0].replace('%', '')) : undefined;
  if (progress !== undefined && progress > 100) return `"@sim report" progress must be 0-100, got "${rest[0] ?? ''}".`;
  const noteWords = progress === undefined ? rest : rest.slice(1);
  return {
    kind: 'report',
    state: state as ReportedState,
    progress,
    note: noteWords.length === 0 ? undefined : noteWords.join(' '),
  };
}

/** Paths stay inside the worktree: relative, and no `..` step out of it. */
function pathProblem(file: string): string | undefined {
  if (path.isAbsolute(file)) return 'the path must be relative to the worktree.';
  if (path.normalize(file).split(path.sep).includes('..')) return 'the path must stay inside the worktree (no "..").';
  return undefined;
}

/** `\n` in directive text is a newline and `\t` a tab, so one line can write a multi-line file. */
function unescape(text: string): string {
  return text.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'));
}
