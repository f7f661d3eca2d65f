import { describe, expect, it } from 'vitest';
import { inScope, matchGlob } from '../../src/domain/model/glob.js';

describe('matchGlob', () => {
  it.each([
    ['src/**', 'src/a.ts', true],
    ['src/**', 'src/deep/er/a.ts', true],
    ['src/**', 'srcx/a.ts', false],
    ['src/**/*.ts', 'src/a.ts', true],
    ['src/**/*.ts', 'src/x/y/a.ts', true],
    ['src/**/*.ts', 'src/x/a.js', false],
    ['**/*.md', 'README.md', true],
    ['**/*.md', 'docs/guide/intro.md', true],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/x/a.ts', false],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['src/?.ts', 'src//.ts', false],
    ['src/{api,db}/**', 'src/api/routes.ts', true],
    ['src/{api,db}/**', 'src/db/x.sql', true],
    ['src/{api,db}/**', 'src/ui/x.tsx', false],
    ['src/{api,{db,cache}}/*.ts', 'src/cache/x.ts', true],
    ['*.{ts,tsx}', 'app.tsx', true],
    ['src/domain/', 'src/domain/types.ts', true],
    ['src/domain/', 'src/domainx/types.ts', false],
    ['src/domain', 'src/domain/deep/x.ts', true],
    ['package.json', 'package.json', true],
    ['package.json', 'package.jsonx', false],
    ['./docs/', 'docs/a.md', true],
    ['a.b+c(d)', 'a.b+c(d)', true],
    ['a.b', 'axb', false],
    ['src/{unclosed', 'src/{unclosed', true],
  ])('%s vs %s -> %s', (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });
});

describe('inScope', () => {
  it('treats an empty scope as anywhere', () => {
    expect(inScope([], 'anything/at/all.ts')).toBe(true);
  });

  it('needs one matching pattern', () => {
    expect(inScope(['src/api/**', 'tests/api/**'], 'tests/api/x.test.ts')).toBe(true);
    expect(inScope(['src/api/**', 'tests/api/**'], 'src/ui/x.tsx')).toBe(false);
  });
});
