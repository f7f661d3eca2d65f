import { describe, expect, it } from 'vitest';
import { childSpec } from '../../src/config/child-spec.js';
import { normalise } from '../../src/config/normalise.js';
import { checkConfigText } from '../../src/config/validate.js';
import type { Config, WorkerSpec } from '../../src/domain/model/config-types.js';
import type { CzarRequest } from '../../src/domain/model/czar-request.js';

/** A fleet of one worker, `p`, on base `main`, resolved as a load would. */
function fleetConfig(extra = ''): Config {
  const checked = checkConfigText(`project: sark\nworkers:\n  - { name: p, task: x }\n${extra}`, 'czar.yaml');
  if (!checked.ok) throw new Error(checked.problems.join('\n'));
  return normalise(checked.written, {
    file: '/home/dev/sark/czar.yaml',
    repoTop: '/home/dev/sark',
    currentBranch: 'main',
    taskFiles: new Map(),
    roles: new Map(),
    lineOf: (at) => checked.map.keyAt(at).line,
  });
}

function spawn(config: Config, child: string, scope: string[] = []): WorkerSpec | string {
  const parent = config.workers[0] as WorkerSpec;
  const request: Extract<CzarRequest, { kind: 'spawn' }> = {
    id: '1',
    kind: 'spawn',
    worker: 'p',
    signature: 'x',
    child,
    task: '# Part',
    scope,
  };
  return childSpec(config, parent, request);
}

describe('a spawned child passes the rules a configured worker does', () => {
  it('takes a child of an ordinary name and scope', () => {
    expect(spawn(fleetConfig(), 'kid', ['src/kid/**'])).toMatchObject({ name: 'kid', branch: 'czar/kid', parent: 'p' });
  });

  it("refuses the czar's own session as a name", () => {
    expect(spawn(fleetConfig(), 'czar')).toBe(
      'The name "czar" is reserved for the supervisor\'s own session; pick another name.',
    );
  });

  it('refuses the integration branch, the default one or one written', () => {
    expect(spawn(fleetConfig(), 'integration')).toBe(
      'The child would use branch "czar/integration", which is the integration branch czar merges finished work into; choose another name for the child.',
    );
    expect(spawn(fleetConfig('integration: { branch: czar/ship }\n'), 'ship')).toContain(
      'which is the integration branch',
    );
  });

  it('refuses the base branch', () => {
    expect(spawn(fleetConfig('base: czar/main\n'), 'main')).toBe(
      'The child would use branch "czar/main", which is the base branch: the worker\'s commits would land on it directly, past checks, review and integration; choose another name for the child.',
    );
  });

  it('refuses a scope outside the repository', () => {
    expect(spawn(fleetConfig(), 'kid', ['/etc/**'])).toBe(
      '--scope "/etc/**" is an absolute path; scopes are relative to the repository root, e.g. src/**.',
    );
    expect(spawn(fleetConfig(), 'kid', ['src/**', '../x/**'])).toBe(
      '--scope "../x/**" points outside the repository; scopes are relative to the repository root, e.g. src/**.',
    );
  });
});
