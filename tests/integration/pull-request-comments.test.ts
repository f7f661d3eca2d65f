import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetFixture } from '../helpers/fleet-fixture.js';
import { gitIn, tempDir } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const STANDIN_BIN = path.resolve(import.meta.dirname, '../fixtures/bin');

interface StandInPr {
  url: string;
  comments?: unknown[];
  reviews?: unknown[];
  lineComments?: unknown[];
  posted?: string[];
}

const saved = { PATH: process.env.PATH, GH_STANDIN_LOG: process.env.GH_STANDIN_LOG };
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.GH_STANDIN_LOG === undefined) delete process.env.GH_STANDIN_LOG;
  else process.env.GH_STANDIN_LOG = saved.GH_STANDIN_LOG;
});

describe('a pull request and its worker, through gh', () => {
  it("gets the reviewer's verdict once per commit, and sends each person's comment on it to the worker once, between turns", async () => {
    // The czar runs in this process: the gh stand-in goes first on its PATH.
    const log = path.join(await tempDir('czar-gh-'), 'gh.jsonl');
    process.env.PATH = `${STANDIN_BIN}${path.delimiter}${process.env.PATH ?? ''}`;
    process.env.GH_STANDIN_LOG = log;
    const fx = await fleetFixture({
      workers: [
        {
          name: 'api',
          task: '# Build the API\n@sim write api.txt one\\ntwo\\n\n@sim commit api: add api.txt\n@sim done api built',
        },
      ],
      review: { agent: 'sim' },
      pr: { when: 'verified', comments_every: '1s' },
      origin: await tempDir('czar-origin-'),
    });
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();

    // Verified -> its pull request is opened, and the approval goes on it as a review comment.
    await fx.waitForEvent('pr_review_posted', 'api', { timeoutMs: 60_000 });
    const stateFile = `${log}.state.json`;
    const state = async () => JSON.parse(await readFile(stateFile, 'utf8')) as { prs: Record<string, StandInPr> };
    const pr = (await state()).prs['czar/api'];
    expect(pr?.posted).toHaveLength(1);
    expect(pr?.posted?.[0]).toMatch(
      /^<!-- posted by czar -->\n\*\*sim\*\* \(czar's reviewer\) approved [0-9a-f]{12}\./,
    );

    // A person comments on the PR, on the conversation and on a line; czar's own post is not a comment to send.
    const written = await state();
    const open = written.prs['czar/api'] as StandInPr;
    open.comments = [
      { id: 'IC_1', author: { login: 'alice' }, body: 'Please name the file api.md.' },
      { id: 'IC_2', author: { login: 'czar-bot' }, body: '<!-- posted by czar -->\nan earlier verdict' },
    ];
    open.lineComments = [{ id: 7, user: { login: 'bob' }, body: 'Line two is off by one.', path: 'api.txt', line: 2 }];
    // Renamed into place, as the stand-in gh must never read half of it.
    await writeFile(`${stateFile}.new`, JSON.stringify(written));
    await rename(`${stateFile}.new`, stateFile);

    // Each comment reaches the worker: both in one message, or in two when a read of the PR (a gh call for the
    // conversation, another for the lines) came in between the two calls.
    const alice = '@alice on the pull request: Please name the file api.md.';
    const bob = 'api.txt:2 [comment] @bob on the pull request: Line two is off by one.';
    const holding = async (text: string) => (await fx.captures('api')).filter((capture) => capture.includes(text));
    await waitFor(async () => (await holding(alice)).length > 0 && (await holding(bob)).length > 0, {
      timeoutMs: 30_000,
      what: 'the PR comments in the worker',
    });

    // Several more reads of the PR later, each comment was sent once, and czar's own post never.
    const reads = async () =>
      (await readFile(log, 'utf8')).split('\n').filter((line) => line.includes('"view"')).length;
    const after = await reads();
    await waitFor(async () => (await reads()) >= after + 3, { timeoutMs: 30_000, what: 'three more reads of the PR' });
    expect(await holding(alice)).toHaveLength(1);
    expect(await holding(bob)).toHaveLength(1);
    expect(await holding('an earlier verdict')).toEqual([]);
    // The worker may have committed its answer meanwhile: its new tip's verdict goes on the PR too, once per commit.
    const shaOf = (text: string, pattern: RegExp) => pattern.exec(text)?.[1] ?? text;
    const { posts, logged } = await waitFor(
      async () => {
        const posts = ((await state()).prs['czar/api']?.posted ?? []).map((body) => shaOf(body, /approved (\w{12})\./));
        const logged = (await fx.events())
          .filter((event) => event.kind === 'pr_review_posted')
          .map((event) => shaOf(event.message, /review of (\w{12})/));
        return posts.length === logged.length ? { posts, logged } : undefined;
      },
      { timeoutMs: 30_000, what: 'each post on the PR in the event log' },
    );
    expect(posts).toEqual(logged);
    expect(new Set(posts).size).toBe(posts.length);
  });
});
