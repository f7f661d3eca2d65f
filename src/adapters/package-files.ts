import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** czar's own install folder: two levels above this module in src/ (tsx), dist/ (tsc) and dist/czar/ (the bundle). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** argv that runs czar itself, for the supervisor session and czar's own processes: absolute, no PATH lookup. */
export function czarCommand(): string[] {
  return [process.execPath, path.join(PACKAGE_ROOT, 'bin', 'czar')];
}

/**
 * argv that an agent's hooks run czar with: without the extra CA certificates the agent's environment may name, which
 * Node reads and parses at every start (60 ms of CPU a call here, and an agent calls its hooks at every tool use).
 * czar's reports open no TLS connection.
 */
export function czarHookCommand(): string[] {
  return ['/usr/bin/env', 'NODE_EXTRA_CA_CERTS=', ...czarCommand()];
}

/** The folder holding the `czar` executable, put first on each worker's PATH so `czar report` just works. */
export const CZAR_BIN_DIR = path.join(PACKAGE_ROOT, 'bin');

/** Reads one of czar's prompt templates (`prompts/<name>`). */
export async function readPromptTemplate(name: string): Promise<string> {
  return readFile(path.join(PACKAGE_ROOT, 'prompts', name), 'utf8');
}

/** The version of this czar (package.json), which every host must run too. */
export function czarVersion(): string {
  return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
