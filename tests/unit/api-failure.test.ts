import { describe, expect, it } from 'vitest';
import { API_RETRY_MAX, apiFailureStep } from '../../src/domain/model/api-failure.js';
import type { ApiFailure } from '../../src/domain/model/words.js';
import { T0, SECOND } from '../helpers/fleet.js';

const facts = {
  failedAt: T0,
  retries: { count: 0, at: T0 - 60 * SECOND },
  sentAt: 0,
  progressAt: T0 - 120 * SECOND,
  now: T0,
  backoffMs: 30 * SECOND,
};
const failure = (kind: ApiFailure['kind']): ApiFailure => ({ kind, detail: `API Error: ${kind}` });

describe('apiFailureStep', () => {
  it('tells the person at once, with the fix, for failures only they can fix', () => {
    expect(apiFailureStep(failure('auth'), facts)).toEqual({
      kind: 'tell_person',
      alert: expect.stringMatching(/authentication.*"API Error: auth".*fix its credentials/),
    });
    expect(apiFailureStep(failure('billing'), facts).kind).toBe('tell_person');
    expect(apiFailureStep(failure('invalid_request'), facts).kind).toBe('tell_person');
    expect(apiFailureStep(failure('unknown'), facts).kind).toBe('tell_person');
  });

  it('waits out a passing failure, then continues once, doubling the wait each time', () => {
    expect(apiFailureStep(failure('rate_limit'), { ...facts, now: T0 + 29 * SECOND }).kind).toBe('wait');
    expect(apiFailureStep(failure('rate_limit'), { ...facts, now: T0 + 30 * SECOND })).toMatchObject({
      kind: 'continue',
      retries: { count: 1, at: T0 + 30 * SECOND },
    });
    const once = { ...facts, failedAt: T0 + 40 * SECOND, retries: { count: 1, at: T0 + 30 * SECOND } };
    expect(apiFailureStep(failure('overloaded'), { ...once, now: T0 + 99 * SECOND }).kind).toBe('wait');
    expect(apiFailureStep(failure('overloaded'), { ...once, now: T0 + 100 * SECOND }).kind).toBe('continue');
  });

  it('tells the person when the continues are used up, and starts over after progress', () => {
    const spent = { ...facts, retries: { count: API_RETRY_MAX, at: T0 - SECOND }, now: T0 + 3600 * SECOND };
    expect(apiFailureStep(failure('server_error'), spent)).toMatchObject({
      kind: 'tell_person',
      alert: expect.stringMatching(/still failing after 3/),
    });
    expect(apiFailureStep(failure('server_error'), { ...spent, progressAt: T0 }).kind).toBe('continue');
  });
});
