import { describe, expect, it } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { startModelEndpoint } from '../helpers/model-endpoint.js';
import { realAgentsMissing } from '../helpers/real-agents.js';
import { realFleet } from '../helpers/real-fleet.js';

// Real Gemini CLI, supervised by czar through `czar up --detach`, its model played by a scripted endpoint: every RUN
// line is a shell tool call that really runs in the worker's worktree (see tests/helpers/model-endpoint.ts).
const missing = realAgentsMissing('gemini');
const scale = Number(process.env.CZAR_TEST_TIMEOUT_SCALE ?? '1') || 1;
const task = (...lines: string[]): string => lines.join('\n');

describe.skipIf(missing !== '')(`real Gemini CLI under czar${missing}`, () => {
  it('commits real work, reports done from its shell and gets the bonus task', async () => {
    const endpoint = await startModelEndpoint();
    const fx = await realFleet({
      agent: 'gemini',
      endpoint,
      policy: { idle_after: '4s', escalate_after: '20s' },
      workers: [
        {
          name: 'builder',
          task: task(
            'Write the greeting and commit it.',
            'RUN: echo hello > hello.txt && git add hello.txt && git commit -qm "add hello"',
            'RUN: czar report --task builder --state done --note "hello committed"',
            'SAY: Finished.',
          ),
        },
      ],
      bonus: [
        {
          name: 'farewell',
          task: task('Write the farewell and commit it.', 'RUN: echo bye > bye.txt && git add bye.txt && git commit -qm "add bye"', 'RUN: czar report --task farewell --state done --note "bye committed"', 'SAY: Finished too.'),
        },
      ],
    });
    await fx.up();
    const done = await fx.waitForStatus((s) => workerIn(s, 'builder').tasks.length === 2 && workerIn(s, 'builder').state === 'done', { timeoutMs: 120_000, what: 'builder done with its bonus task' });
    expect(workerIn(done, 'builder').tasks).toEqual(['builder', 'farewell']);
    expect(await fx.commits('builder')).toEqual(['add bye', 'add hello']);
    expect(endpoint.requests.some((request) => JSON.stringify(request.body).includes('command not found'))).toBe(false);
  }, 240_000 * scale);

  // Gemini's AfterAgent hook (a plain turn end: the error is only on its screen) can reach czar before the screen's
  // "✕ [API Error: ...]" line: a reported turn end waits a moment for the screen, so no nudge goes out meanwhile.
  it('an API refusal is an alert with its error, and no nudges', async () => {
    const endpoint = await startModelEndpoint();
    const fx = await realFleet({
      agent: 'gemini',
      endpoint,
      policy: { idle_after: '4s', escalate_after: '20s' },
      workers: [{ name: 'refused', task: task('Anything at all.', 'FAIL: 400 scripted refusal: the request names no such model') }],
    });
    await fx.up();
    const refused = await fx.waitForStatus((s) => workerIn(s, 'refused').alerts.some((alert) => alert.message.includes('scripted refusal')), { timeoutMs: 60_000, what: 'an alert naming the refusal' });
    expect(workerIn(refused, 'refused').state).toBe('api_error');
    const nudged = (await fx.events()).filter((event) => event.worker === 'refused' && ['nudge', 'rebrief', 'restart'].includes(event.kind));
    expect(nudged).toEqual([]);
  }, 180_000 * scale);
});
