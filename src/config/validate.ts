import type * as z from 'zod';
import { checkRules } from './rules.js';
import { formatProblems, formatSyntaxErrors, problemsFromIssues } from './problems.js';
import { configSchema, type WrittenConfig } from './schema.js';
import { parseYaml, type ConfigPath, type SourceMap } from './source-map.js';

/** The outcome of checking config text without touching the disk: the written form, or placed problem lines. */
export type CheckedText =
  | { readonly ok: true; readonly written: WrittenConfig; readonly map: SourceMap }
  | { readonly ok: false; readonly problems: readonly string[] };

/** The keys a strict object accepts at `path` of the schema (for "did you mean" hints). */
export function allowedKeys(path: ConfigPath, schema: z.core.$ZodType = configSchema): string[] {
  let node: z.core.$ZodType | undefined = schema;
  let rest = [...path];
  for (;;) {
    const def: z.core.$ZodTypeDef | undefined = node?._zod.def;
    if (def === undefined) return [];
    // Wrappers and containers: step inside without consuming a path segment, or consume one.
    if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') {
      node = (def as z.core.$ZodOptionalDef).innerType;
    } else if (def.type === 'union') {
      const options: readonly z.core.$ZodType[] = (def as z.core.$ZodUnionDef).options;
      node =
        options.find((option) => option._zod.def.type === (typeof rest[0] === 'number' ? 'array' : 'object')) ??
        options[0];
    } else if (rest.length === 0) {
      return def.type === 'object' ? Object.keys((def as z.core.$ZodObjectDef).shape) : [];
    } else if (def.type === 'object') {
      node = (def as z.core.$ZodObjectDef).shape[String(rest[0])];
      rest = rest.slice(1);
    } else if (def.type === 'array') {
      node = (def as z.core.$ZodArrayDef).element;
      rest = rest.slice(1);
    } else if (def.type === 'record') {
      node = (def as z.core.$ZodRecordDef).valueType;
      rest = rest.slice(1);
    } else {
      return [];
    }
  }
}

/** Top-level keys that start with `x-` hold YAML anchors for `<<: *name` merges (as in compose files); czar skips them. */
export const ANCHOR_HOLDER = /^x-/;

function withoutAnchorHolders(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !ANCHOR_HOLDER.test(key)));
}

/**
 * Parses and checks config text: YAML syntax, then the schema, then the cross-field rules (which need a
 * schema-valid config). Every problem at the failing stage comes back, each as `label:line:col: sentence`.
 */
export function checkConfigText(text: string, label: string): CheckedText {
  const parsed = parseYaml(text);
  if (parsed.syntaxErrors.length > 0) return { ok: false, problems: formatSyntaxErrors(parsed.syntaxErrors, label) };
  const result = configSchema.safeParse(withoutAnchorHolders(parsed.value));
  if (!result.success) {
    return {
      ok: false,
      problems: formatProblems(
        problemsFromIssues(result.error.issues, parsed.value, (path) => allowedKeys(path)),
        parsed.map,
        label,
      ),
    };
  }
  const problems = checkRules(result.data);
  if (problems.length > 0) return { ok: false, problems: formatProblems(problems, parsed.map, label) };
  return { ok: true, written: result.data, map: parsed.map };
}
