// Two layout rules the import graph cannot see, checked by `npm run lint:deps` beside dependency-cruiser:
// small files (no src file over MAX_LINES lines) and I/O only in adapters (no node:fs or child_process import
// outside src/adapters/; src/sim/, the simulated agent, is a program of its own that czar starts, as lint says too).
// Prints each breach and exits 1 when there is any.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const MAX_LINES = 300;
/** The folders that do their own I/O: czar's adapters, and the simulated agent (a separate executable). */
const OWN_IO = ['adapters', 'sim'];
const SOURCE = /\.tsx?$/;
const IO_MODULE = /^(node:)?(fs|fs\/promises|child_process)$/;
/** Static imports and re-exports (`from '...'`), side-effect imports and dynamic `import('...')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return SOURCE.test(entry.name) ? [file] : [];
  });
}

const files = sourceFiles('src').sort();
const long: string[] = [];
const io: string[] = [];
const ioFiles = new Set<string>();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) long.push(`${file}: ${lines} lines (at most ${MAX_LINES}: split it by job)`);
  if (OWN_IO.some((folder) => file.startsWith(`src${path.sep}${folder}${path.sep}`))) continue;
  const modules = [...text.matchAll(SPECIFIER)].map((match) => match[1]!).filter((name) => IO_MODULE.test(name));
  if (modules.length > 0) ioFiles.add(file);
  for (const name of new Set(modules))
    io.push(`${file}: imports ${name} (only src/adapters/ touches files and processes)`);
}

for (const line of [...long, ...io]) console.log(line);
console.log(
  `check-layout: ${long.length} src files over ${MAX_LINES} lines, ${ioFiles.size} files outside src/adapters/ and src/sim/ importing node:fs or child_process`,
);
if (long.length + io.length > 0) process.exitCode = 1;
