import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { czarHeapFlags } from '../../src/launch/up-sequence.js';

// node refuses to start on a V8 flag it does not know (exit 9, "bad option"): the czar of a large fleet would never
// come up, and `czar up` would say only that it did not start.
describe("the czar's heap flags", () => {
  it.each([1, 100, 101, 500, 5000])('are all accepted by this node for %i workers', async (workers) => {
    const flags = czarHeapFlags(workers);
    const result = await execa(process.execPath, [...flags, '-e', '0'], { reject: false });
    expect(result.stderr, flags.join(' ')).toBe('');
    expect(result.exitCode).toBe(0);
  });
});
