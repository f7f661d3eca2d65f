import type * as z from 'zod';
import { CzarError } from '../domain/model/errors.js';
import type { ConfigPath, SourceMap, SyntaxProblem } from './source-map.js';

/**
 * One thing wrong with a config: where (a key path, placed at its key or its value) and what, as the tail of a
 * sentence that already names the key. `formatProblems` adds `file:line:col: ` in front.
 */
export interface Problem {
  readonly path: ConfigPath;
  readonly message: string;
  /** Point at the key itself (unknown keys) rather than at its value. */
  readonly at?: 'key' | 'value';
}

/** `['workers', 1, 'name']` -> `workers[1].name`. */
export function pathString(path: ConfigPath): string {
  return path.reduce<string>((text, segment) => {
    if (typeof segment === 'number') return `${text}[${segment}]`;
    return text === '' ? String(segment) : `${text}.${String(segment)}`;
  }, '');
}

/** A problem whose sentence starts with the key path: `workers[1].name "Gateway" is not a valid name; ...`. */
export function problemAt(path: ConfigPath, tail: string, at: 'key' | 'value' = 'value'): Problem {
  const where = pathString(path);
  return { path, message: where === '' ? tail : `${where} ${tail}`, at };
}

/** Optimal string alignment distance: Levenshtein plus adjacent swaps, so `nmae` is one edit from `name`. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate to a mistyped word, if any is close enough to be a plausible typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate);
    if (distance <= limit && distance < word.length && (best === undefined || distance < best.distance))
      best = { candidate, distance };
  }
  if (best !== undefined) return best.candidate;
  // `depends` for `depends_on`: a clear prefix is as good a hint as a small typo.
  return lower.length >= 4 ? candidates.find((candidate) => candidate.startsWith(lower)) : undefined;
}

/** The end of a sentence offering the right word: a close match, else the choices. */
export function orChoices(word: string, choices: readonly string[]): string {
  const hint = suggest(word, choices);
  if (hint !== undefined) return `did you mean "${hint}"?`;
  return choices.length === 0
    ? 'there are none to choose from.'
    : `use one of ${choices.map((choice) => `"${choice}"`).join(', ')}.`;
}

/** How a value reads in a sentence: `the string "src/**"`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys',
  record: 'a mapping of keys',
};

/** Example values for keys a person must add, shown in "missing required key" problems. */
const EXAMPLES: Readonly<Record<string, string>> = {
  project: 'project: sark',
  workers: 'workers: [{ name: gateway, task: "Implement the gateway" }]',
  name: 'name: gateway',
  command: 'command: ./bin/mybot',
  match: 'match: "Do you want to proceed\\?"',
  send: 'send: [y, Enter]',
  run: 'run: npm test',
  ssh: 'ssh: dev@gpu1.example',
  worktrees: 'worktrees: /srv/czar',
  max_workers: 'max_workers: 4',
  input: 'input: 3',
  output: 'output: 15',
};

function valueAt(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/**
 * Turns zod issues on the written form into problems. Messages set in `schema.ts` (names, durations, the
 * task/task_file rule) are kept; zod's generic ones are rewritten to say what was expected and what was found.
 * `allowedKeys` lists the keys accepted at a path, for "did you mean" hints.
 */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  allowedKeys: (path: ConfigPath) => readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  // A key suggested for an unknown key is not also reported missing: `projct` means `project`, one problem.
  const suggested = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== 'unrecognized_keys') continue;
    for (const key of issue.keys) {
      const hint = suggest(key, allowedKeys(issue.path));
      if (hint !== undefined) suggested.add(pathString([...issue.path, hint]));
    }
  }
  for (const issue of issues) {
    const path = issue.path;
    const found = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const allowed = allowedKeys(path);
          const hint = suggest(key, allowed);
          const where = path.length === 0 ? '' : ` in ${pathString(path)}`;
          const fix = hint !== undefined ? `did you mean "${hint}"?` : `allowed keys here are ${allowed.join(', ')}.`;
          problems.push({ path: [...path, key], at: 'key', message: `unknown key "${key}"${where}; ${fix}` });
        }
        break;
      case 'invalid_type': {
        const last = path[path.length - 1];
        if (found === undefined && typeof last === 'string' && path.length > 0) {
          if (suggested.has(pathString(path))) break;
          const parent = path.slice(0, -1);
          const example = EXAMPLES[last];
          const tail = `missing required key "${last}"; add it${example === undefined ? '' : `, e.g. ${example}`}.`;
          problems.push(parent.length === 0 ? { path: parent, message: tail } : problemAt(parent, `is ${tail}`));
          break;
        }
        if (path.length === 0) {
          problems.push({
            path,
            message: `the config must be a mapping of keys such as project: and workers:, found ${describeValue(found)}.`,
          });
          break;
        }
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        const quote =
          issue.expected === 'string' && (typeof found === 'number' || typeof found === 'boolean')
            ? `; quote it: "${String(found)}"`
            : '';
        problems.push(problemAt(path, `should be ${expected}, found ${describeValue(found)}${quote}.`));
        break;
      }
      case 'invalid_value':
        problems.push(
          problemAt(
            path,
            `should be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}, found ${describeValue(found)}.`,
          ),
        );
        break;
      case 'too_small': {
        const what =
          issue.origin === 'array'
            ? `at least ${String(issue.minimum)} item(s)`
            : issue.origin === 'string'
              ? 'non-empty'
              : `at least ${String(issue.minimum)}`;
        problems.push(problemAt(path, `should be ${what}, found ${describeValue(found)}.`));
        break;
      }
      case 'too_big':
        // A string's limit is a name's, whose message in schema.ts says why.
        problems.push(
          problemAt(
            path,
            issue.origin === 'string'
              ? issue.message
              : `should be at most ${String(issue.maximum)}, found ${describeValue(found)}.`,
          ),
        );
        break;
      case 'invalid_key': {
        const inner = issue.issues[0]?.message;
        problems.push(problemAt(path, inner ?? 'is not a valid key.', 'key'));
        break;
      }
      case 'invalid_union': {
        // The option whose type matched failed deeper down (a bad entry in a list): report that, not the union.
        const deeper = issue.errors.find(
          (branch) => branch.length > 0 && branch.every((inner) => inner.path.length > 0),
        );
        if (deeper !== undefined) {
          problems.push(
            ...problemsFromIssues(
              deeper.map((inner) => ({ ...inner, path: [...path, ...inner.path] })),
              input,
              allowedKeys,
            ),
          );
          break;
        }
        problems.push(problemAt(path, `should be ${unionExpectation(path)}, found ${describeValue(found)}.`));
        break;
      }
      case 'invalid_format':
      case 'custom':
      case 'not_multiple_of':
      case 'invalid_element':
        problems.push(problemAt(path, issue.message));
        break;
    }
  }
  return problems;
}

function unionExpectation(path: ConfigPath): string {
  const last = path[path.length - 1];
  if (last === 'auto_answer') return 'off or a list of { match: <regex>, send: [<keys>] } entries';
  if (last === 'send') return 'a tmux key name or a list of them, e.g. [y, Enter]';
  return 'a duration such as 90s, 20m or 1h30m';
}

/** Places problems: `czar.yaml:12:5: <message>`, in file order so the first one is the first a person meets. */
export function formatProblems(problems: readonly Problem[], map: SourceMap, label: string): string[] {
  return problems
    .map((problem) => {
      const position = problem.at === 'key' ? map.keyAt(problem.path) : map.valueAt(problem.path);
      return { position, text: `${label}:${position.line}:${position.col}: ${problem.message}` };
    })
    .sort((a, b) => a.position.line - b.position.line || a.position.col - b.position.col)
    .map((entry) => entry.text);
}

export function formatSyntaxErrors(errors: readonly SyntaxProblem[], label: string): string[] {
  return errors.map((error) => {
    const where = `${label}:${error.position.line}:${error.position.col}`;
    // yaml's own words here point at its API (parseAllDocuments), not at the file.
    if (error.code === 'ALIAS_COUNT')
      return `${where}: the YAML expands its aliases (*name) too many times, as an alias bomb does; write the repeated values out or use fewer aliases.`;
    if (error.code === 'MULTIPLE_DOCS')
      return `${where}: a second YAML document starts here; ${label} holds one, so remove this "---" line and what follows or merge it into the first.`;
    return `${where}: YAML syntax error: ${error.message.replace(/\.$/, '')}; fix the indentation or quoting there.`;
  });
}

/** One error for a whole config: the first problem is the message, every problem is in `details`. */
export function configError(lines: readonly string[]): CzarError {
  return new CzarError('config_invalid', lines[0] ?? 'The config is invalid.', { details: lines });
}

/** The problem with a regular expression written at `at`, if it does not compile. */
export function regexProblems(at: readonly (string | number)[], source: string): Problem[] {
  try {
    new RegExp(source);
    return [];
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, '') : String(error);
    return [
      problemAt(
        at,
        `${JSON.stringify(source)} is not a valid regular expression (${reason}); fix it or escape special characters with a backslash.`,
      ),
    ];
  }
}
