import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/config/normalise.js';
import { checkConfigText } from '../../src/config/validate.js';
import { emptyRecord, recordFailed } from '../../src/domain/policy/integration-plan.js';
import { ownTask } from '../../src/domain/model/model.js';
import { decide } from '../../src/domain/policy/decide.js';
import { integrationFixupMessage, restartBrief } from '../../src/launch/prompts.js';
import { alivePane, commits, fleet, observe, T0 } from '../helpers/fleet.js';

const checked = checkConfigText('project: p\nworkers:\n  - { name: a, task: build the parser }\n', 'czar.yaml');
if (!checked.ok) throw new Error(checked.problems.join('\n'));
const config = normalise(checked.written, {
  file: '/home/dev/p/czar.yaml',
  repoTop: '/home/dev/p',
  currentBranch: 'main',
  taskFiles: new Map(),
  roles: new Map(),
  lineOf: () => 1,
});
const spec = config.workers[0]!;
const tip = 'a'.repeat(40);
const NOW = new Date(T0).toISOString();

describe('a fix-up pasted again before the executor wrote its text', () => {
  it('is rendered from its failure, never pasted empty', async () => {
    const failure = { kind: 'conflict' as const, files: ['shared.txt'] };
    const record = recordFailed(emptyRecord(config.integration.branch, 'main', NOW), {
      worker: 'a',
      branch: spec.branch,
      tip,
      onto: 'f'.repeat(40),
      failure,
      at: NOW,
    });
    const done = observe(fleet([spec]), 'a', (current) => ({
      launchedAt: T0,
      deliveredAt: T0,
      git: { ...commits(1, T0), lastCommit: { sha: tip, subject: 'work', at: NOW } },
      pane: alivePane(T0),
      report: { state: 'done', at: T0 + 1, progress: 100, note: undefined, resultFile: undefined },
      memory: { ...current.memory, state: 'done', stateSince: T0, tasks: [ownTask(spec, T0)], briefedAt: T0 },
    }));
    const integration = {
      branch: config.integration.branch,
      record,
      running: false,
      failures: 0,
      failedAt: 0,
      lastAttempt: '',
      plainShells: [],
      pullRequests: {},
      pullRequestsWhen: 'off' as const,
    };
    const given = decide({ ...done, integration }, T0 + 1000).fleet.workers[0]!.memory.tasks.at(-1)!;
    expect(given.text).toBe('');

    const brief = await restartBrief(config, spec, given);
    const fixup = await integrationFixupMessage(config, spec, failure);
    expect(fixup).toContain('shared.txt');
    expect(brief).toContain(fixup.trim());
  });
});
