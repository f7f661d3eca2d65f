import path from 'node:path';

/**
 * A small glob matcher for worker scopes. Patterns are anchored at the repository root and use `/` separators:
 * `**` any number of path segments (zero included), `*` any run of characters within one segment, `?` one
 * character within a segment, `{a,b}` alternatives (nestable). A pattern also covers everything below what it
 * matches, so `src/domain`, `src/domain/` and `src/domain/**` all mean the whole folder.
 */

const compiled = new Map<string, RegExp>();

/**
 * Why czar cannot honour a scope pattern as written (the tail of a sentence that starts with the pattern), or
 * undefined when it can. The matcher would take these literally, so a worker's scope would silently mean
 * something else: a negation would match a folder named `!src`, `/etc/**` would match `etc/` in the repository.
 */
export function scopePatternProblem(pattern: string): string | undefined {
  const relative = 'scopes are relative to the repository root, e.g. src/**.';
  if (pattern.startsWith('!'))
    return 'is a negation, which scopes do not support; list the paths the worker may touch instead.';
  if (pattern.startsWith('/') || pattern.startsWith('~') || /^[A-Za-z]:[\\/]/.test(pattern))
    return `is an absolute path; ${relative}`;
  if (escapesRoot(pattern)) return `points outside the repository; ${relative}`;
  if (pattern.split(/[\\/]/).includes('..'))
    return `has a ".." segment, which a scope would match literally; write the path from the repository root: ${path.posix.normalize(pattern.replace(/\\/g, '/'))}.`;
  if (/[[\]]/.test(pattern))
    return 'uses [ ], which scopes do not support; use {a,b} for alternatives or * for any characters.';
  let depth = 0;
  for (const char of pattern) {
    if (char === '{') depth += 1;
    else if (char === '}' && --depth < 0)
      return 'has a "}" without its "{"; remove it or open it, e.g. src/{api,web}/**.';
  }
  if (depth > 0) return 'has a "{" without its "}"; close it, e.g. src/{api,web}/**.';
  return undefined;
}

/** True when `..` segments climb above the repository root. */
function escapesRoot(pattern: string): boolean {
  let depth = 0;
  for (const segment of pattern.split(/[\\/]/)) {
    if (segment === '..') depth -= 1;
    else if (segment !== '' && segment !== '.') depth += 1;
    if (depth < 0) return true;
  }
  return false;
}

/** Compiles a scope pattern to an anchored regular expression (cached: scopes are checked every tick). */
export function globToRegExp(pattern: string): RegExp {
  let cached = compiled.get(pattern);
  if (cached === undefined) {
    const body = translate(normalisePattern(pattern));
    // A match may be followed by deeper segments: a pattern that names a folder covers its contents.
    cached = new RegExp(`^${body}(?:/.*)?$`, 's');
    compiled.set(pattern, cached);
  }
  return cached;
}

/** True when `path` (repository-relative) matches `pattern`. */
export function matchGlob(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(normalisePath(path));
}

/** True when `path` lies inside a scope; an empty scope means the worker may touch anything. */
export function inScope(scope: readonly string[], path: string): boolean {
  return scope.length === 0 || scope.some((pattern) => matchGlob(pattern, path));
}

function normalisePattern(pattern: string): string {
  return normalisePath(pattern).replace(/\/+$/, '');
}

function normalisePath(path: string): string {
  return path.replace(/^(?:\.\/)+/, '').replace(/^\/+/, '');
}

function translate(pattern: string): string {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    if (ch === '*' && pattern[i + 1] === '*') {
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      const slashAfter = pattern[i + 2] === '/';
      if (atSegmentStart && slashAfter) {
        out += '(?:.*/)?';
        i += 3;
      } else if (atSegmentStart && i + 2 === pattern.length) {
        out += '.*';
        i += 2;
      } else {
        // `a**b` is not a globstar; treat it as one segment wildcard, as bash does without globstar.
        out += '[^/]*';
        i += 2;
      }
    } else if (ch === '*') {
      out += '[^/]*';
      i += 1;
    } else if (ch === '?') {
      out += '[^/]';
      i += 1;
    } else if (ch === '{') {
      const close = matchingBrace(pattern, i);
      if (close === -1) {
        out += '\\{';
        i += 1;
      } else {
        const alternatives = splitTopLevel(pattern.slice(i + 1, close));
        out += `(?:${alternatives.map(translate).join('|')})`;
        i = close + 1;
      }
    } else {
      out += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
      i += 1;
    }
  }
  return out;
}

function matchingBrace(pattern: string, open: number): number {
  let depth = 0;
  for (let i = open; i < pattern.length; i += 1) {
    if (pattern[i] === '{') depth += 1;
    else if (pattern[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === '{') depth += 1;
    else if (inner[i] === '}') depth -= 1;
    else if (inner[i] === ',' && depth === 0) {
      parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}
