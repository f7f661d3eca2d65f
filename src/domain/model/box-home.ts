import path from 'node:path';

/**
 * A boxed agent's home: what each agent keeps there (copied into the worker's private home), its sign-in files (synced
 * back under a lock), and where its paths lie outside the box.
 */

/** What each agent keeps in its home (settings, sign-in, records): copied into a boxed worker's private home. */
export const AGENT_HOME_FILES: Readonly<Record<string, readonly string[]>> = {
  claude: ['.claude.json', '.claude'],
  codex: ['.codex'],
  gemini: ['.gemini'],
  qwen: ['.qwen'],
  pi: ['.pi'],
  opencode: ['.config/opencode', '.local/share/opencode'],
  kilo: ['.config/kilo', '.local/share/kilo'],
  copilot: ['.copilot'],
  auggie: ['.augment'],
};

/**
 * A boxed agent's path as czar finds it outside the box: what the agent wrote under its home sits in the home's
 * private copy (`homeCopy`), everything else where it says.
 */
export function outsideBox(file: string, home: string, homeCopy: string): string {
  const inHome = path.relative(home, file);
  return inHome.startsWith('..') || path.isAbsolute(inHome) ? file : path.join(homeCopy, inHome);
}

/**
 * What an agent must run once outside a box before its first boxed start, for files it keeps outside its home, which a
 * box sees read-only: Copilot CLI unpacks its 235 MB binary into the person's cache on its first run.
 */
export const AGENT_FIRST_RUN: Readonly<Record<string, readonly string[]>> = {
  copilot: ['--version'],
};

/**
 * The cache folder a boxed agent is told of: none when the person's lies in the home (the private copy stands there),
 * else one in its private home. The box shows every folder outside the home read-only, and an agent that cannot write
 * its cache stops at start (OpenCode and Kilo do).
 */
export function boxedCacheEnv(cache: string | undefined, home: string): Record<string, string> {
  if (cache === undefined || cache === '') return {};
  const inHome = path.relative(home, cache);
  return inHome.startsWith('..') || path.isAbsolute(inHome) ? { XDG_CACHE_HOME: path.join(home, '.cache') } : {};
}

/** The files each agent keeps its sign-in in (relative to the home): a boxed worker's copies are synced back. */
export const AGENT_AUTH_FILES: Readonly<Record<string, readonly string[]>> = {
  claude: ['.claude/.credentials.json'],
  codex: ['.codex/auth.json'],
  gemini: ['.gemini/oauth_creds.json'],
  qwen: ['.qwen/oauth_creds.json'],
  pi: ['.pi/agent/auth.json'],
  opencode: ['.local/share/opencode/auth.json'],
  kilo: ['.local/share/kilo/auth.json'],
  auggie: ['.augment/session.json'],
};

/**
 * What a sign-in file needs, from the hashes of its content as last synced, in the home and in the worker's copy: the
 * copy changed (the agent refreshed its token) goes home; else a home that changed (a sibling or the person did) goes
 * into the copy. A file missing on one side is never deleted on the other.
 */
export function credentialStep(
  synced: string | undefined,
  home: string | undefined,
  copy: string | undefined,
): 'push' | 'pull' | 'none' {
  if (copy !== undefined && copy !== synced && copy !== home) return 'push';
  if (home !== undefined && home !== synced && home !== copy) return 'pull';
  return 'none';
}
