import { describe, expect, it } from 'vitest';
import { fleetFixture, workerIn } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';

describe('delivery checked against the prompt the agent recorded', () => {
  it('alerts with the first differing line when the recorded prompt is not the task, and not when it is', async () => {
    const claudeDir = await tempDir('czar-claude-');
    // Both record the prompt they received in a Claude-shaped transcript; one records it with its last line changed.
    const fx = await fleetFixture({
      workers: [
        {
          name: 'exact',
          task: '# Exact\nKeep @src/a.ts as it is.\n@sim record\n@sim usage 10 10\n@sim work 30 thinking',
          env: { CLAUDE_CONFIG_DIR: claudeDir },
        },
        {
          name: 'garbled',
          task: '# Garbled\n@sim record altered\n@sim usage 10 10\n@sim work 30 thinking',
          env: { CLAUDE_CONFIG_DIR: claudeDir },
        },
      ],
    });
    await fx.launchWave();
    await fx.supervise();

    const alert = await fx.waitForEvent('alert', 'garbled', {
      match: (event) => /recorded task garbled differently/.test(event.message),
      timeoutMs: 20_000,
    });
    expect(alert.message).toContain(
      'czar sent "@sim work 30 thinking" but the agent recorded "@sim work 30 thinking (garbled)"',
    );
    const status = await fx.waitForStatus((s) => workerIn(s, 'exact').usage?.tokens === 20, {
      what: "the exact worker's transcript read",
    });
    expect(workerIn(status, 'exact').alerts.map((a) => a.kind)).not.toContain('delivery_mismatch');
    expect(workerIn(status, 'garbled').alerts.map((a) => a.kind)).toContain('delivery_mismatch');
    expect(
      (await fx.events()).filter(
        (event) => event.worker === 'exact' && event.kind === 'alert' && /recorded task/.test(event.message),
      ),
    ).toEqual([]);
  });
});
