import { onTestFinished } from 'vitest';

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
