import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkConfigText } from '../../src/config/validate.js';
import { configSchema } from '../../src/config/schema.js';
import { defaultReviewer, writtenReviewOf } from '../../src/config/resolve-review.js';
import { normalise } from '../../src/config/normalise.js';
import type { Config } from '../../src/domain/model/config-types.js';
import { reviewerNotes } from '../../src/domain/text/review-text.js';

function problems(text: string): readonly string[] {
  const checked = checkConfigText(text, 'czar.yaml');
  if (checked.ok) throw new Error('expected the config to be invalid');
  return checked.problems;
}

function written(text: string) {
  return configSchema.parse(parse(text));
}

function load(text: string): Config {
  const checked = checkConfigText(text, 'czar.yaml');
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return normalise(checked.written, {
    file: '/home/dev/p/czar.yaml',
    repoTop: '/home/dev/p',
    currentBranch: 'main',
    taskFiles: new Map(),
    roles: new Map(),
    lineOf: (at) => checked.map.keyAt(at).line,
  });
}

const JUDGE = 'agents:\n  judge: { command: ./bin/judge, args: [--chat], review_args: [--review] }\n';

describe('config: review', () => {
  it('an agent that cannot review is refused at its line with one sentence naming it and the fix', () => {
    expect(problems('project: p\nreview: { agent: shell }\nworkers:\n  - name: api\n    task: x\n')).toEqual([
      expect.stringMatching(
        /^czar\.yaml:2:18: review\.agent "shell" \(preset shell\) cannot review: it has no headless mode that answers with a verdict; give agents\.shell review_args: \[\.\.\.\] so czar runs it once with the prompt on stdin and reads its verdict line \(docs\/review\.md\), or name an agent whose preset is one of .*sim.*\.$/,
      ),
    ]);
  });

  it('an agents: entry with review_args reviews, whatever its preset, and the plan says how it is run', () => {
    const config = load(
      `project: p\nagent: sim\n${JUDGE}review: { agent: judge }\nworkers:\n  - name: api\n    task: x\n`,
    );
    const review = config.workers[0]?.review;
    expect(review?.agent).toMatchObject({
      name: 'judge',
      preset: 'custom',
      args: ['--chat'],
      reviewArgs: ['--review'],
    });
    expect(reviewerNotes(config.workers)).toEqual([
      'review: judge reviews api: named in review.agent, running `/home/dev/p/bin/judge --review` with the prompt on stdin (up to 3 round(s), then the person is asked)',
    ]);
    // An empty list is a reviewer too; a preset without a review mode (aider) gets one from it.
    const empty = load(
      'project: p\nagent: sim\nagents:\n  aider: { review_args: [] }\nreview: { agent: aider }\nworkers:\n  - name: api\n    task: x\n',
    );
    expect(empty.workers[0]?.review?.agent.reviewArgs).toEqual([]);
  });

  it('without review_args an agents: entry of a preset that cannot review is still refused, naming review_args', () => {
    expect(
      problems(
        'project: p\nagents:\n  judge: { command: ./j }\nreview: { agent: judge }\nworkers:\n  - name: api\n    task: x\n',
      ),
    ).toEqual([
      expect.stringContaining(
        '"judge" (preset custom) cannot review: it has no headless mode that answers with a verdict; give agents.judge review_args: [...]',
      ),
    ]);
  });

  it('each custom entry is a make of its own, so one with review_args is a default reviewer of another', () => {
    const config = written(
      `project: p\nagent: mybot\nagents:\n  mybot: { command: ./m }\n  judge: { command: ./j, review_args: [] }\nreview: {}\nworkers:\n  - name: api\n    task: x\n`,
    );
    expect(defaultReviewer(config, config.workers[0]!)).toEqual({
      agent: 'judge',
      why: 'judge reviews api (mybot): an agent of another make, so no model grades its own work',
    });
    expect(
      checkConfigText(`project: p\nagent: sim\n${JUDGE}review: {}\nworkers:\n  - name: api\n    task: x\n`, 'czar.yaml')
        .ok,
    ).toBe(true);
  });

  it("a worker's own reviewer that is unknown is named at the worker's line", () => {
    expect(problems('project: p\nworkers:\n  - name: api\n    task: x\n    review: { agent: sym }\n')[0]).toMatch(
      /^czar\.yaml:5:22: workers\[0\]\.review\.agent "sym" is not a built-in agent or an agents: entry; did you mean "sim"\?/,
    );
  });

  it('with only agents that cannot review, review: {} is refused and says what to add', () => {
    expect(problems('project: p\nagent: aider\nreview: {}\nworkers:\n  - name: api\n    task: x\n')[0]).toMatch(
      /workers\[0\] has review: on but no configured agent can review api's branch; add review: \{ agent: <name> \}/,
    );
  });

  it('the default reviewer is of another make than the worker when one is configured, else its own agent', () => {
    const config = written(
      'project: p\nagent: claude\nreview: {}\nworkers:\n  - name: api\n    task: x\n  - name: ui\n    task: y\n    agent: sim\n',
    );
    const [api, ui] = config.workers;
    expect(defaultReviewer(config, api!)).toEqual({
      agent: 'sim',
      why: expect.stringContaining('another make') as string,
    });
    expect(defaultReviewer(config, ui!)?.agent).toBeDefined();
  });

  it("a worker's review: off turns it off there; its fields replace the fleet's elsewhere", () => {
    const config = written(
      'project: p\nreview: { agent: sim, max_rounds: 2 }\nworkers:\n  - name: api\n    task: x\n    review: off\n  - name: ui\n    task: y\n    review: { max_rounds: 5 }\n',
    );
    const [api, ui] = config.workers;
    expect(writtenReviewOf(config, api!)).toBeUndefined();
    expect(writtenReviewOf(config, ui!)).toEqual({ agent: 'sim', max_rounds: 5 });
  });

  it('review: off or absent changes nothing', () => {
    const off = written('project: p\nreview: off\nworkers:\n  - name: api\n    task: x\n');
    expect(writtenReviewOf(off, off.workers[0]!)).toBeUndefined();
    const absent = written('project: p\nworkers:\n  - name: api\n    task: x\n');
    expect(writtenReviewOf(absent, absent.workers[0]!)).toBeUndefined();
  });
});
