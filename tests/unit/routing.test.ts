import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/domain/learning/outcome.js';
import { outcome, REPO } from '../helpers/learning.js';
import { chooseAgent, type RoutingQuestion } from '../../src/domain/learning/routing.js';

// Routing by the record: pure, with the randomness passed in as numbers.

const HERE = REPO;

const settings = { pool: ['claude', 'codex'], explore: 0.1, minOutcomes: 2, reassignAfter: 2 };
const ask = (outcomes: Outcome[], overrides: Partial<RoutingQuestion> = {}) =>
  chooseAgent({ kind: 'api', repo: HERE, outcomes, settings, ...overrides });

describe('chooseAgent', () => {
  it('measures an agent with too few outcomes before deciding on records', () => {
    const choice = ask([outcome('claude', true), outcome('claude', true), outcome('codex', false)]);
    expect(choice).toMatchObject({ agent: 'codex', why: 'measuring' });
    expect(choice?.reason).toContain('codex 1 outcome(s), too few');
  });

  it('takes the best first-try rate for the kind, and says the records compared', () => {
    const outcomes = [
      outcome('claude', true),
      outcome('claude', false),
      outcome('codex', true),
      outcome('codex', true),
      outcome('codex', true, { kind: 'docs' }),
    ];
    const choice = ask(outcomes);
    expect(choice).toMatchObject({ agent: 'codex', why: 'best record' });
    expect(choice?.reason).toBe(
      'codex for api (best record): claude 1/2 first try in this repository, $2.00/verified; codex 2/2 first try in this repository, $1.00/verified',
    );
  });

  it('breaks a tie on rate by the lower cost per verified task', () => {
    const outcomes = [
      outcome('claude', true, { usd: 3 }),
      outcome('claude', true, { usd: 3 }),
      outcome('codex', true, { usd: 1 }),
      outcome('codex', true, { usd: 1 }),
    ];
    expect(ask(outcomes)?.agent).toBe('codex');
  });

  it("uses this repository's record when it has enough, else every repository's", () => {
    const elsewhere = (agent: string, firstTry: boolean) => outcome(agent, firstTry, { repo: 'other' });
    const outcomes = [
      elsewhere('claude', true),
      elsewhere('claude', true),
      elsewhere('codex', false),
      elsewhere('codex', false),
    ];
    expect(ask(outcomes)?.agent).toBe('claude');
    const here = [...outcomes, outcome('codex', true), outcome('codex', true), outcome('claude', false)];
    const choice = ask(here);
    expect(choice?.agent).toBe('codex');
    expect(choice?.compared.map((record) => record.where)).toEqual(['any repository', 'this repository']);
  });

  it('tries a thin record that may still be the best, never when explore is 0, and skips the excluded agent', () => {
    const many = (agent: string, successes: number, count: number) =>
      Array.from({ length: count }, (_, index) => outcome(agent, index < successes));
    // claude 15 of 20 first try, codex 1 of 2: codex's record is too thin to say it is worse.
    const thin = [...many('claude', 15, 20), ...many('codex', 1, 2)];
    expect(ask(thin)).toMatchObject({ agent: 'codex', why: 'exploring' });
    expect(ask(thin, { settings: { ...settings, explore: 0 } })).toMatchObject({ agent: 'claude', why: 'best record' });
    // codex 4 of 20: as long a record, clearly worse, is not tried.
    expect(ask([...many('claude', 15, 20), ...many('codex', 4, 20)])).toMatchObject({
      agent: 'claude',
      why: 'best record',
    });
    const outcomes = [
      outcome('claude', true),
      outcome('claude', true),
      outcome('codex', false),
      outcome('codex', false),
    ];
    expect(ask(outcomes, { exclude: ['claude'] })).toMatchObject({ agent: 'codex', why: 'only choice' });
    expect(ask(outcomes, { exclude: ['claude', 'codex'] })).toBeUndefined();
  });
});
