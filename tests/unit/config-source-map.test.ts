import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/config/source-map.js';

const text = `project: sark
workers:
  - name: api
    task: |
      Build it
    env: { PORT: "1" }
  - { name: web, task: x }
`;

describe('SourceMap', () => {
  const { map, syntaxErrors } = parseYaml(text);

  it('places values and keys of block and flow nodes', () => {
    expect(syntaxErrors).toEqual([]);
    expect(map.valueAt(['project'])).toEqual({ line: 1, col: 10 });
    expect(map.keyAt(['workers', 0, 'task'])).toEqual({ line: 4, col: 5 });
    expect(map.valueAt(['workers', 0, 'env', 'PORT'])).toEqual({ line: 6, col: 18 });
    expect(map.valueAt(['workers', 1, 'name'])).toEqual({ line: 7, col: 13 });
    expect(map.keyAt(['workers', 1])).toEqual({ line: 7, col: 5 });
  });

  it('falls back to the nearest written ancestor for a missing key', () => {
    expect(map.valueAt(['workers', 1, 'branch'])).toEqual({ line: 7, col: 5 });
    expect(map.keyAt(['policy', 'bonus'])).toEqual({ line: 1, col: 1 });
  });

  it('places YAML syntax errors', () => {
    expect(parseYaml('a: [1, 2\nb: 3\n').syntaxErrors[0]?.position.line).toBeGreaterThanOrEqual(1);
    expect(parseYaml('a: b: c\n').syntaxErrors[0]?.position).toEqual({ line: 1, col: 4 });
  });
});
