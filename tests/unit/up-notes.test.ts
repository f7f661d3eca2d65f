import { describe, expect, it } from 'vitest';
import { editedTaskNotes, taskDigest, uncommittedNote } from '../../src/launch/up-notes.js';

const tips = new Map([
  ['main', 'aaaaaaaa11111111'],
  ['dev', 'dddddddd22222222'],
  ['feat/x', 'ffffffff33333333'],
]);

describe('uncommittedNote', () => {
  const base = { repo: '/r', base: 'dev', tips, configPath: 'czar.yaml' };

  it("says nothing when the only change is czar's own config, as right after czar init", () => {
    expect(
      uncommittedNote({
        ...base,
        dirty: ['czar.yaml'],
        steps: [{ worker: 'api', branch: 'czar/api', worktree: 'create-branch' }],
      }),
    ).toBeUndefined();
  });

  it('names base and its commit when every worker starts a new branch', () => {
    expect(
      uncommittedNote({
        ...base,
        dirty: ['czar.yaml', 'src/a.ts'],
        steps: [
          { worker: 'api', branch: 'czar/api', worktree: 'create-branch' },
          { worker: 'web', branch: 'czar/web', worktree: 'create-branch' },
        ],
      }),
    ).toBe('note: uncommitted changes in /r are not part of the launch; api and web start from dev at dddddddd.');
  });

  it('names the branch and commit a worker given an existing branch really starts from', () => {
    expect(
      uncommittedNote({
        ...base,
        dirty: ['src/a.ts'],
        steps: [{ worker: 'api', branch: 'feat/x', worktree: 'recreate' }],
      }),
    ).toBe('note: uncommitted changes in /r are not part of the launch; api starts from feat/x at ffffffff.');
    expect(
      uncommittedNote({
        ...base,
        dirty: ['src/a.ts'],
        steps: [
          { worker: 'api', branch: 'main', worktree: 'checkout-branch' },
          { worker: 'web', branch: 'czar/web', worktree: 'create-branch' },
          { worker: 'old', branch: 'feat/x', worktree: 'reuse' },
        ],
      }),
    ).toBe(
      'note: uncommitted changes in /r are not part of the launch; api starts from main at aaaaaaaa, web starts from dev at dddddddd, and old keeps its worktree.',
    );
  });
});

describe('editedTaskNotes', () => {
  it('names each adopted worker whose task changed since it was delivered, and how to hand it the new one', () => {
    const old = taskDigest('Build the gateway.');
    const notes = editedTaskNotes({
      configFile: 'czar.yaml',
      workers: [
        { name: 'api', task: 'Build the gateway, with rate limits.', delivered: true, deliveredDigest: old },
        { name: 'web', task: 'Same.', delivered: true, deliveredDigest: taskDigest('Same.') },
        { name: 'new', task: 'New.', delivered: false, deliveredDigest: undefined },
        { name: 'legacy', task: 'Unknown.', delivered: true, deliveredDigest: undefined },
      ],
    });
    expect(notes).toEqual([
      'note: the task of worker "api" changed in czar.yaml after it was delivered, and its running agent still has the old one; send it the new text with "czar send api --file <file>", or start it afresh on the new task with "czar restart api".',
    ]);
  });
});
