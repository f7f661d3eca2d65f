import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetFixture, simAsCustomAgent, workerIn } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';

// The presets with no real program to test boxed: a program czar has no preset for (`custom`, here the simulated
// agent's TUI named as the person's own program) and a plain shell (`shell`). Each commits in its box, fails to write
// the main checkout, reports done through its door, and is verified and integrated.
describe.skipIf(!existsSync('/usr/bin/bwrap'))('the custom and shell presets, boxed', () => {
  it('each works in its box, writes nothing outside it, and is verified and integrated', async () => {
    const fx = await fleetFixture({
      agents: (root) => ({
        mybot: simAsCustomAgent(root),
        plain: { command: 'bash', args: ['--norc', '--noprofile'] },
      }),
      checks: [{ name: 'readme', run: 'test -f README.md' }],
      workers: [
        {
          name: 'custom',
          agent: 'mybot',
          sandbox: 'required',
          task: '# Custom\n@sim run sh -c "touch ../../../repo/escaped-custom.txt || true"\n@sim write custom.txt custom\\n\n@sim commit custom: add custom\n@sim done custom in',
        },
        {
          name: 'plain',
          agent: 'plain',
          sandbox: 'required',
          task: [
            'touch ../../../repo/escaped-shell.txt',
            'echo shell > shell.txt && git add shell.txt && git -c user.name=t -c user.email=t@t.invalid commit -qm "shell: add shell"',
            'czar report --state done --note "shell in"',
          ].join('; '),
        },
      ],
    });
    expect(fx.fleet.config.workers.map((worker) => [worker.agent.preset, worker.sandbox?.mode])).toEqual([
      ['custom', 'required'],
      ['shell', 'required'],
    ]);
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();

    await fx.waitForEvent('integrated', 'custom', { timeoutMs: 90_000 });
    await fx.waitForEvent('integrated', 'plain', { timeoutMs: 90_000 });
    await fx.waitForStatus((s) => ['custom', 'plain'].every((name) => workerIn(s, name).state === 'verified'), {
      what: 'both verified',
    });
    // Their repositories are their own, in czar's state, and the main checkout took no write from either box.
    expect(fx.fleet.config.workers.map((worker) => worker.worktree)).toEqual(
      ['custom', 'plain'].map((name) => path.join(fx.root, '.czar', 'work', name)),
    );
    expect(existsSync(path.join(fx.repo, 'escaped-custom.txt'))).toBe(false);
    expect(existsSync(path.join(fx.repo, 'escaped-shell.txt'))).toBe(false);
    expect(await gitIn(fx.repo, ['show', 'czar/integration:custom.txt'])).toBe('custom');
    expect(await gitIn(fx.repo, ['show', 'czar/integration:shell.txt'])).toBe('shell');
  });
});
