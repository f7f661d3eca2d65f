import { createHash } from 'node:crypto';
import { lstat, mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { credentialStep } from '../domain/model/box-home.js';
import { acquireLock } from './lock-file.js';

/**
 * A boxed worker's copies of its agent's sign-in files (relative to the home), kept in step with the person's home
 * under one lock for the whole machine: a token the agent refreshed in its copy is written back, and one refreshed
 * elsewhere (a sibling, the person) is brought into the copy, so parallel workers never race on a rotating token.
 * The copy is the worker's to write, so it is read as a stranger's: a regular file of JSON, at most 1 MB, in a folder
 * inside the copy (never through a link), or it is left alone.
 */

const MAX_BYTES = 1024 * 1024;

export interface CredentialFiles {
  readonly home: string;
  readonly copy: string;
  readonly files: readonly string[];
  readonly lock: string;
}

export class CredentialSync {
  /** Each file's content as it last was in both places (its hash). */
  private readonly synced = new Map<string, string>();

  constructor(private readonly spec: CredentialFiles) {}

  /** One round; the first takes the copy as it stands for the last synced state, so the person's home wins then. */
  async sync(): Promise<void> {
    for (const name of this.spec.files) {
      const home = path.join(this.spec.home, name);
      const copy = path.join(this.spec.copy, name);
      const before = await Promise.all([readHome(home), readCopy(this.spec.copy, copy)]);
      if (!this.synced.has(name)) this.synced.set(name, hashOf(before[1]) ?? '');
      if (credentialStep(this.synced.get(name), hashOf(before[0]), hashOf(before[1])) === 'none') continue;
      const release = await acquireLock(this.spec.lock, { timeoutMs: 10_000, what: 'another czar syncing sign-ins' });
      try {
        const [inHome, inCopy] = await Promise.all([readHome(home), readCopy(this.spec.copy, copy)]);
        const step = credentialStep(this.synced.get(name), hashOf(inHome), hashOf(inCopy));
        if (step === 'push' && inCopy !== undefined) await replace(home, inCopy);
        if (step === 'pull' && inHome !== undefined && (await insideCopy(this.spec.copy, copy)))
          await replace(copy, inHome);
        const now = step === 'push' ? inCopy : step === 'pull' ? inHome : inCopy;
        this.synced.set(name, hashOf(now) ?? '');
      } finally {
        await release();
      }
    }
  }
}

function hashOf(content: Buffer | undefined): string | undefined {
  return content === undefined ? undefined : createHash('sha256').update(content).digest('hex');
}

async function readHome(file: string): Promise<Buffer | undefined> {
  const info = await lstat(file).catch(() => undefined);
  if (info === undefined || !info.isFile() || info.size > MAX_BYTES) return undefined;
  return readFile(file).catch(() => undefined);
}

/** The copy's file, when it is a regular file of JSON under a folder that is really inside the copy. */
async function readCopy(root: string, file: string): Promise<Buffer | undefined> {
  if (!(await insideCopy(root, file))) return undefined;
  const content = await readHome(file);
  if (content === undefined) return undefined;
  try {
    JSON.parse(content.toString('utf8'));
    return content;
  } catch {
    return undefined;
  }
}

async function insideCopy(root: string, file: string): Promise<boolean> {
  const [realRoot, folder] = await Promise.all([
    realpath(root).catch(() => undefined),
    realpath(path.dirname(file)).catch(() => undefined),
  ]);
  return realRoot !== undefined && folder !== undefined && !path.relative(realRoot, folder).startsWith('..');
}

/** Written beside and renamed over, 0600: a link in its place is replaced, never followed. */
async function replace(file: string, content: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.czar-${process.pid}`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  await rename(temporary, file).catch(async (error: unknown) => {
    await rm(temporary, { force: true });
    throw error;
  });
}

/** Syncs now, then every `everyMs` (one round at a time) until stopped, with a last round then. Never throws. */
export async function keepCredentialsInStep(
  spec: CredentialFiles,
  everyMs: number,
): Promise<{ stop(): Promise<void> }> {
  const sync = new CredentialSync(spec);
  let round = sync.sync().catch(() => undefined);
  await round;
  const timer = setInterval(() => {
    round = round.then(() => sync.sync().catch(() => undefined));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
      await sync.sync().catch(() => undefined);
    },
  };
}
