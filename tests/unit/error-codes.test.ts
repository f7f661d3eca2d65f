import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { ERROR_CODES, ERROR_CODE_NAMES, type CzarErrorCode } from '../../src/domain/model/error-codes.js';
import { CzarError } from '../../src/domain/model/errors.js';

const DOC = new URL('../../docs/errors.md', import.meta.url);

/** The table's rows as docs/errors.md writes them, one per code of the list, in its order. */
function rows(): string[] {
  return ERROR_CODE_NAMES.map((code) => `| \`${code}\` | ${ERROR_CODES[code][0]} | ${ERROR_CODES[code][1]} |`);
}

describe('error codes', () => {
  test('docs/errors.md lists every code with its exit status and meaning, as the list has them', () => {
    const table = readFileSync(DOC, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    // On a difference, paste the expected rows into docs/errors.md.
    expect(table).toEqual(rows());
  });

  test('the code decides the exit status', () => {
    expect(new CzarError('usage', 'x').exitCode).toBe(2);
    expect(new CzarError('config_invalid', 'x').exitCode).toBe(2);
    expect(new CzarError('git_failed', 'x').exitCode).toBe(1);
  });

  test('a code not in the list fails the type check (npm run typecheck checks this file)', () => {
    expectTypeOf<'usage'>().toExtend<CzarErrorCode>();
    expectTypeOf<'no_such_code'>().not.toExtend<CzarErrorCode>();
    expectTypeOf<string>().not.toExtend<CzarErrorCode>();
  });

  test('the list is in alphabetical order, so a new code has one place', () => {
    expect([...ERROR_CODE_NAMES].sort()).toEqual(ERROR_CODE_NAMES);
  });
});
