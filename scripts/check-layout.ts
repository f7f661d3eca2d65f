// Three layout rules the import graph cannot see, checked by `npm run lint:deps` beside dependency-cruiser:
// folders split into rooms keep every file in a room (docs/architecture.md names them), sizes by meaning, and I/O
// only in adapters (no node:fs or child_process import outside src/adapters/; src/sim/, the
// simulated agent, is a program of its own that czar starts, as lint says too).
// A file over LOOK_LINES is a signal to look, not a breach: it is named, and a cohesive file keeps its length rather
// than being halved to pass a number. A file over MAX_LINES has outgrown any one job and fails.
// Prints each finding and exits 1 when there is a breach.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const LOOK_LINES = 300;
const MAX_LINES = 600;
/** The folders that do their own I/O: czar's adapters, and the simulated agent (a separate executable). */
const OWN_IO = ['adapters', 'sim'];
const SOURCE = /\.tsx?$/;
/** Folders whose files all live in named rooms (subfolders): a file at their top has no room that says its job. */
const ROOMED = ['domain', 'supervisor'];
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
const look: string[] = [];
const long: string[] = [];
const io: string[] = [];
const roomless: string[] = [];
const ioFiles = new Set<string>();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  if (lines > MAX_LINES) long.push(`${file}: ${lines} lines (at most ${MAX_LINES}: split it where its jobs part)`);
  else if (lines > LOOK_LINES) look.push(`${file}: ${lines} lines: look whether it still does one job`);
  if (ROOMED.some((folder) => path.dirname(file) === path.join('src', folder)))
    roomless.push(
      `${file}: not in a room of src/${path.basename(path.dirname(file))}/ (move it to the room its job names)`,
    );
  if (OWN_IO.some((folder) => file.startsWith(`src${path.sep}${folder}${path.sep}`))) continue;
  const modules = [...text.matchAll(SPECIFIER)].map((match) => match[1]!).filter((name) => IO_MODULE.test(name));
  if (modules.length > 0) ioFiles.add(file);
  for (const name of new Set(modules))
    io.push(`${file}: imports ${name} (only src/adapters/ touches files and processes)`);
}

for (const line of [...look, ...long, ...io, ...roomless]) console.log(line);
console.log(
  `check-layout: ${look.length} src files over ${LOOK_LINES} lines to look at, ${long.length} over ${MAX_LINES}, ${ioFiles.size} files outside src/adapters/ and src/sim/ importing node:fs or child_process, ${roomless.length} files outside a room`,
);
if (long.length + io.length + roomless.length > 0) process.exitCode = 1;
