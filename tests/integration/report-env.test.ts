import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { czar } from '../helpers/cli.js';
import { launchedStateDir, TEST_PROOF } from '../helpers/state-dir.js';
import { tempDir } from '../helpers/git-repo.js';

describe('czar report trusts nothing in its environment', () => {
  test('a worker name with path tricks, an unknown worker, and a relative or missing state dir are refused, and nothing is written', async () => {
    const root = await tempDir();
    const state = await launchedStateDir(root, 'api');
    const report = (env: Record<string, string>) => czar(['report', '--state', 'working'], { cwd: root, env });
    const cases: [Record<string, string>, RegExp][] = [
      [
        { CZAR_WORKER: '../../src/evil', CZAR_STATE_DIR: state },
        /^czar: CZAR_WORKER "\.\.\/\.\.\/src\/evil" is not a worker name/,
      ],
      [{ CZAR_WORKER: 'ghost', CZAR_STATE_DIR: state }, /^czar: CZAR_WORKER "ghost" is not a worker of the fleet in /],
      [
        { CZAR_WORKER: 'api', CZAR_STATE_DIR: 'rel/.czar' },
        /^czar: CZAR_STATE_DIR "rel\/\.czar" is not an absolute path/,
      ],
      [
        { CZAR_WORKER: 'api', CZAR_STATE_DIR: path.join(root, 'missing') },
        /^czar: CZAR_STATE_DIR ".*missing" is not a czar state dir/,
      ],
    ];
    for (const [env, message] of cases) {
      const result = await report(env);
      expect(result.exitCode, JSON.stringify(env)).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(path.join(root, 'src'))).toBe(false);
    expect(existsSync(path.join(root, 'rel'))).toBe(false);
    expect(existsSync(path.join(root, 'missing'))).toBe(false);
    expect(existsSync(path.join(state, 'reports', 'ghost.json'))).toBe(false);

    const ok = await report({ CZAR_WORKER: 'api', CZAR_STATE_DIR: state, CZAR_WORKER_PROOF: TEST_PROOF });
    expect(ok.stderr).toBe('');
    expect(ok.exitCode).toBe(0);
    expect(existsSync(path.join(state, 'reports', 'api.json'))).toBe(true);
  });
});
