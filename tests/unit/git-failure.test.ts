import { describe, expect, it } from 'vitest';
import { gitFailureReason } from '../../src/adapters/git-errors.js';

describe('the reason czar gives for a failed git command', () => {
  it('on a full disk, says what git could not do and the likely cause, not "Preparing worktree"', () => {
    // What git 2.39 prints when "worktree add" runs out of space (taken from a 200 KB tmpfs).
    const stderr =
      "Preparing worktree (new branch 'czar/x')\nerror: unable to write file f16.txt\nerror: unable to write file f17.txt\nfatal: Could not reset index file to revision 'HEAD'.\n";
    expect(gitFailureReason(stderr)).toBe(
      "fatal: Could not reset index file to revision 'HEAD' (error: unable to write file f16.txt: the disk or a quota is full, or the folder is not writable)",
    );
  });

  it('names a failed write once when it is the only error', () => {
    expect(gitFailureReason("Preparing worktree (new branch 'czar/x')\nerror: unable to write file a.txt\n")).toBe(
      'error: unable to write file a.txt (the disk or a quota is full, or the folder is not writable)',
    );
  });

  it('keeps the cause the system gave', () => {
    const stderr =
      "Preparing worktree (new branch 'czar/x')\nerror: unable to write file a.txt\nfatal: could not create leading directories of '/mnt/x/.git': No space left on device\n";
    expect(gitFailureReason(stderr)).toBe(
      "fatal: could not create leading directories of '/mnt/x/.git': No space left on device",
    );
  });

  it('is the fatal line, else the first error line, else the first line', () => {
    expect(gitFailureReason('hint: a hint\nfatal: invalid reference: nope\n')).toBe('fatal: invalid reference: nope');
    expect(gitFailureReason('Switched to x\nerror: pathspec did not match.\n')).toBe('error: pathspec did not match');
    expect(gitFailureReason('something odd\nmore\n')).toBe('something odd');
    expect(gitFailureReason('')).toBe('');
  });
});
