import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { userCacheDir } from '../../src/adapters/private-files.js';

const outsideTests: (() => void | Promise<void>)[] = [];

/**
 * Runs `clean` when the current test ends. Outside a test (a benchmark drives the real agents with these helpers)
 * vitest refuses the hook, and `cleanUpOutsideTests` runs it instead.
 */
export function afterThisTest(clean: () => void | Promise<void>): void {
  try {
    onTestFinished(clean);
  } catch {
    outsideTests.push(clean);
  }
}

/** Runs what the helpers left to clean outside a test, the latest first. */
export async function cleanUpOutsideTests(): Promise<void> {
  for (const clean of outsideTests.splice(0).reverse()) await clean();
}

/** Makes czar find no sandbox engine (CZAR_BWRAP=none) until the current test ends. */
export function withoutBoxEngine(): void {
  process.env.CZAR_BWRAP = 'none';
  afterThisTest(() => {
    delete process.env.CZAR_BWRAP;
  });
}

/**
 * Removes the agent files czar kept for a test's fleet in the person's cache (`<cache>/czar/agents/<project>-<hash>`,
 * which `czar down --purge` would remove): a test run left some two hundred folders there.
 */
export async function removeAgentFilesOf(project: string): Promise<void> {
  const agents = path.join(userCacheDir(), 'czar', 'agents');
  const names = await readdir(agents).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(`${project}-`))
      .map((name) => rm(path.join(agents, name), { recursive: true, force: true, maxRetries: 10, retryDelay: 100 })),
  );
}
