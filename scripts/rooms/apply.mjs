#!/usr/bin/env node
// One-off tool: moves the files named in move-map.tsv (old path <TAB> new path) with `git mv`, then rewrites every
// relative import specifier in src/, tests/, bench/ and scripts/ so it points at the file's new home. Files the
// map does not name stay where they are; their imports are rewritten too. Safe to run again: a pair whose old path
// is gone and whose new path exists counts as moved. Every specifier is resolved before anything moves, and the run
// stops with a list if one cannot be resolved, so a tree is never left half rewritten by a bad specifier.
// Usage: node scripts/rooms/apply.mjs [--dry-run]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import console from 'node:console';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)));
const MAP = path.join(ROOT, 'scripts/rooms/move-map.tsv');
const SCANNED = ['src', 'tests', 'bench', 'scripts'];
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const dryRun = process.argv.includes('--dry-run');

// `from '...'`, `import '...'`, `import('...')`, `require('...')`, and the vitest calls that take a module path.
const SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*|\bvi\.(?:mock|doMock|unmock|doUnmock|importActual|importMock)\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\2/g;

function fail(lines) {
  console.error(`rooms/apply: ${lines.length} problem(s), nothing more was changed:`);
  for (const line of lines) console.error(`  ${line}`);
  process.exit(1);
}

/** Files whose unresolved specifiers are text for another repository (demo sources), not imports: left as written. */
const leave = new Set();

function readMap() {
  const pairs = [];
  const problems = [];
  readFileSync(MAP, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '' || line.startsWith('#')) return;
      const [from, to, extra] = line.split('\t');
      if (from === 'leave' && to && extra === undefined) return void leave.add(path.normalize(to));
      if (!from || !to || extra !== undefined)
        problems.push(`move-map.tsv:${index + 1}: want "old<TAB>new", got ${JSON.stringify(line)}`);
      else pairs.push({ from: path.normalize(from), to: path.normalize(to), line: index + 1 });
    });
  const seen = new Map();
  for (const { from, to, line } of pairs) {
    for (const key of [`from:${from}`, `to:${to}`]) {
      if (seen.has(key))
        problems.push(`move-map.tsv:${line}: ${key.slice(key.indexOf(':') + 1)} is also on line ${seen.get(key)}`);
      seen.set(key, line);
    }
  }
  if (problems.length > 0) fail(problems);
  return pairs;
}

function codeFiles(dir) {
  if (!existsSync(path.join(ROOT, dir))) return [];
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    if (entry.isDirectory()) return codeFiles(rel);
    return CODE.test(entry.name) ? [rel] : [];
  });
}

const isFile = (rel) => existsSync(path.join(ROOT, rel)) && statSync(path.join(ROOT, rel)).isFile();

/** The repository file a specifier names, as TypeScript's NodeNext resolution finds it (`.js` may mean `.ts`). */
function resolveSpecifier(fromFile, specifier) {
  const base = path.normalize(path.join(path.dirname(fromFile), specifier));
  const candidates = [base];
  const ext = path.extname(base);
  const swaps = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
  for (const swap of swaps[ext] ?? []) candidates.push(base.slice(0, -ext.length) + swap);
  if (ext === '') candidates.push(`${base}.ts`, `${base}.tsx`, `${base}.js`, path.join(base, 'index.ts'));
  // The build's output (dist/X.js) may be stale or not built yet: it follows its source, src/X.ts.
  // A file a merged branch still names by its old path (moved by an earlier run) is found at its new one.
  if (!base.startsWith(`dist${path.sep}`))
    return (
      candidates.find(isFile) ?? candidates.map((old) => movedEarlier.get(old)).find((moved) => moved && isFile(moved))
    );
  const source = resolveSpecifier(fromFile, path.relative(path.dirname(fromFile), `src${base.slice('dist'.length)}`));
  return source === undefined ? undefined : { dist: true, source };
}

/** The specifier that names `target` from `fromFile`, keeping the written extension style of `old`. */
function specifierFor(fromFile, target, old) {
  let rel = path.relative(path.dirname(fromFile), target).split(path.sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const oldExt = path.extname(old);
  const targetExt = path.extname(target);
  if (oldExt === '') return rel.slice(0, -targetExt.length).replace(/\/index$/, old.endsWith('/index') ? '/index' : '');
  if (oldExt !== targetExt) rel = rel.slice(0, -targetExt.length) + oldExt;
  return rel;
}

const pairs = readMap();
const movedEarlier = new Map(pairs.map(({ from, to }) => [from, to]));
const moves = new Map();
const problems = [];
for (const { from, to, line } of pairs) {
  if (isFile(from) && !existsSync(path.join(ROOT, to))) moves.set(from, to);
  else if (!isFile(from) && isFile(to))
    continue; // moved by an earlier run
  else if (isFile(from))
    problems.push(`move-map.tsv:${line}: both ${from} and ${to} exist: merge them by hand, then rerun`);
  else problems.push(`move-map.tsv:${line}: neither ${from} nor ${to} exists: drop or fix the line`);
}
if (problems.length > 0) fail(problems);
const newPath = (rel) => moves.get(rel) ?? rel;

// Resolve every relative specifier against the tree as it is, before anything moves.
const edits = [];
for (const file of SCANNED.flatMap(codeFiles)) {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const found = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[3];
    const target = resolveSpecifier(file, specifier);
    if (target === undefined) {
      if (leave.has(file)) continue;
      const line = text.slice(0, match.index).split('\n').length;
      problems.push(`${file}:${line}: cannot resolve ${specifier}`);
      continue;
    }
    found.push({ index: match.index + match[1].length + 1, specifier, target });
  }
  edits.push({ file, text, found });
}
if (problems.length > 0) fail(problems);

for (const [from, to] of moves) {
  console.log(`${dryRun ? 'would move' : 'git mv'} ${from} -> ${to}`);
  if (dryRun) continue;
  mkdirSync(path.dirname(path.join(ROOT, to)), { recursive: true });
  execFileSync('git', ['mv', from, to], { cwd: ROOT, stdio: 'inherit' });
}

const rewrittenFiles = [];
for (const { file, text, found } of edits) {
  const at = newPath(file);
  let out = '';
  let last = 0;
  for (const { index, specifier, target } of found) {
    const next =
      typeof target === 'string'
        ? specifierFor(at, newPath(target), specifier)
        : specifierFor(
            at,
            `dist${newPath(target.source)
              .slice('src'.length)
              .replace(/\.tsx?$/, '.js')}`,
            specifier,
          );
    out += text.slice(last, index) + next;
    last = index + specifier.length;
  }
  out += text.slice(last);
  if (out === text) continue;
  rewrittenFiles.push(at);
  if (!dryRun) writeFileSync(path.join(ROOT, at), out);
}
// Prose names a moved file by its path too (docs, the test map, code comments): `src/domain/box.ts`,
// `domain/box.ts` and `domain/box` each become the new path in the same form. A bare file name cannot be told
// from a word, so it is left for a person.
const PROSE_DIRS = ['docs', 'src', 'tests', 'bench', 'scripts'];
const PROSE = /\.(md|ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const proseFiles = [
  'README.md',
  ...PROSE_DIRS.flatMap(function walk(dir) {
    if (!existsSync(path.join(ROOT, dir))) return [];
    return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.name === 'node_modules' || entry.name === 'dist' || rel === path.join('scripts', 'rooms')) return [];
      if (entry.isDirectory()) return walk(rel);
      return PROSE.test(entry.name) ? [rel] : [];
    });
  }),
].map(newPath);
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const named = [...pairs]
  .map(({ from, to }) => ({
    from: from.replace(/^src\//, '').replace(/\.tsx?$/, ''),
    to: to.replace(/^src\//, '').replace(/\.tsx?$/, ''),
  }))
  .sort((a, b) => b.from.length - a.from.length);
const MENTION = new RegExp(
  `(?<![\\w./-])(src/)?(${named.map(({ from }) => escape(from)).join('|')})(\\.tsx?)?(?![\\w/-])`,
  'g',
);
const renamed = new Map(named.map(({ from, to }) => [from, to]));
let mentions = 0;
for (const file of proseFiles) {
  const full = path.join(ROOT, file);
  if (!existsSync(full)) continue;
  const text = readFileSync(full, 'utf8');
  const out = text.replace(MENTION, (_all, src = '', name, ext = '') => `${src}${renamed.get(name)}${ext}`);
  if (out === text) continue;
  mentions += 1;
  if (!dryRun) writeFileSync(full, out);
  if (!rewrittenFiles.includes(file)) rewrittenFiles.push(file);
}
console.log(`rooms/apply: ${mentions} file(s) naming a moved file by its path in prose or comments`);

// A longer path can push an import past the line width: the project's own Prettier lays it out again.
if (!dryRun && rewrittenFiles.length > 0)
  execFileSync(path.join(ROOT, 'node_modules/.bin/prettier'), ['--write', '--log-level', 'warn', ...rewrittenFiles], {
    cwd: ROOT,
    stdio: 'inherit',
  });
console.log(
  `rooms/apply: ${moves.size} file(s) moved, ${rewrittenFiles.length} file(s) with rewritten imports${dryRun ? ' (dry run)' : ''}`,
);
