/** How much longer than on a quiet machine a test may wait: CZAR_TEST_TIMEOUT_SCALE (CI sets 2). */
export const TIMEOUT_SCALE = Number(process.env.CZAR_TEST_TIMEOUT_SCALE ?? '1') || 1;

/**
 * Polls until `probe` returns a value other than undefined/false, or fails with the last value seen. The budget
 * scales with CZAR_TEST_TIMEOUT_SCALE so a slow CI machine can wait longer without changing any test.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000) * TIMEOUT_SCALE;
  const interval = options.intervalMs ?? 100;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'condition'}; last value: ${String(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
