import { describe, expect, it } from 'vitest';
import { geminiSkipFix, geminiSkipIsFixable, geminiSkipReason } from '../../src/agents/gemini/settings.js';

const file = { path: '/root/.cache/czar/agents/p/w/gemini-settings.json', uid: 0, mode: 0o100600 };
const dir = (path: string, mode = 0o40700, uid = 0) => ({ path, uid, mode });

describe("geminiSkipReason (Gemini CLI 0.61's rule for a system settings file)", () => {
  it('reads a root-owned file in folders closed to others all the way up', () => {
    expect(
      geminiSkipReason([file, dir('/root/.cache/czar'), dir('/root', 0o40700), dir('/', 0o40755)]),
    ).toBeUndefined();
  });

  it('names the nearest folder open to group or others, as /tmp is', () => {
    const skip = geminiSkipReason([file, dir('/tmp/p/.czar'), dir('/tmp', 0o41777), dir('/', 0o40755)]);
    expect(skip).toEqual({ path: '/tmp', reason: 'is writable by group or others' });
    expect(geminiSkipFix(skip!)).toMatch(/chmod go-w \/tmp/);
    expect(geminiSkipIsFixable(skip!)).toBe(true);
  });

  it('names a file or folder not owned by root, and says so in the fix', () => {
    const skip = geminiSkipReason([{ ...file, uid: 1000 }, dir('/home/u', 0o40700, 1000), dir('/', 0o40755)]);
    expect(skip).toEqual({ path: file.path, reason: 'is owned by uid 1000, not root' });
    expect(geminiSkipFix(skip!)).toMatch(/owned by root/);
    // Not the person's to fix short of running as root: czar up goes on without hooks and says so.
    expect(geminiSkipIsFixable(skip!)).toBe(false);
  });
});
