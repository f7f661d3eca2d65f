import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

/** A key path into the config as zod reports it: `['workers', 1, 'name']`. */
export type ConfigPath = readonly PropertyKey[];

/** 1-based line and column in the config text. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A YAML syntax error, already placed. */
export interface SyntaxProblem {
  readonly position: Position;
  readonly message: string;
  /** The yaml library's error code, e.g. MULTIPLE_DOCS. */
  readonly code?: string;
}

/**
 * Maps key paths back to where they are written, so every problem can say `czar.yaml:12:5`. Paths that do not
 * exist (a missing key) fall back to the nearest written ancestor, which is where the key should be added.
 */
export class SourceMap {
  readonly #doc: Document;
  readonly #lines: LineCounter;

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /** Where the value at `path` starts. */
  valueAt(path: ConfigPath): Position {
    return this.#position(this.#walk(path).value);
  }

  /** Where the key of the last path segment is written (for unknown or misplaced keys); the value for list items. */
  keyAt(path: ConfigPath): Position {
    const found = this.#walk(path);
    return this.#position(found.complete ? (found.key ?? found.value) : found.value);
  }

  #position(node: Node | null | undefined): Position {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, col: 1 } : this.#lines.linePos(offset);
  }

  /** The deepest node along `path`, the key node of its last step, and whether the whole path was found. */
  #walk(path: ConfigPath): { value: Node | null | undefined; key: Node | undefined; complete: boolean } {
    let value = this.#doc.contents as Node | null;
    let key: Node | undefined;
    for (const segment of path) {
      if (isMap(value)) {
        const pair = value.items.find((item) => (isScalar(item.key) ? item.key.value : item.key) === segment);
        if (pair === undefined) return { value, key: undefined, complete: false };
        key = isScalar(pair.key) ? pair.key : undefined;
        // A key with no value (`task:`) has a null value node; point at the key then.
        value = (pair.value as Node | null) ?? key ?? value;
      } else if (isSeq(value) && typeof segment === 'number' && value.items[segment] !== undefined) {
        key = undefined;
        value = value.items[segment] as Node;
      } else {
        return { value, key: undefined, complete: false };
      }
    }
    return { value, key, complete: true };
  }
}

const MAX_ALIAS_COUNT = 10_000;

/** Parses YAML text keeping positions; syntax errors come back placed, never thrown. */
export function parseYaml(text: string): { value: unknown; map: SourceMap; syntaxErrors: SyntaxProblem[] } {
  const lines = new LineCounter();
  // prettyErrors off: a one-line message (we add the position ourselves) instead of a code frame. merge: `<<: *common`
  // is how people share settings between entries; YAML 1.2 left it out, and yaml reads it only when asked.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, merge: true });
  const syntaxErrors: SyntaxProblem[] = doc.errors.map((error) => ({
    position: lines.linePos(error.pos[0]),
    message: error.message.replace(/\s+/g, ' ').trim(),
    code: error.code,
  }));
  const map = new SourceMap(doc, lines);
  if (syntaxErrors.length > 0) return { value: undefined, map, syntaxErrors };
  try {
    // yaml's default (100 alias uses) refuses a fleet of 100 workers that merge one anchor; this still stops a bomb.
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), map, syntaxErrors };
  } catch (error) {
    // yaml refuses to expand aliases past a limit (an alias bomb) with a ReferenceError; anything else is a bug.
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    return {
      value: undefined,
      map,
      syntaxErrors: [{ position: { line: 1, col: 1 }, message: error.message, code: 'ALIAS_COUNT' }],
    };
  }
}
