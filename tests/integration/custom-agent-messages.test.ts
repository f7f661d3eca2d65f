import { describe, expect, it } from 'vitest';
import { fleetFixture, simAsCustomAgent } from '../helpers/fleet-fixture.js';
import { gitIn } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

// The check prints the lines a capable agent would take from its failure: the stand-in acts on `@sim` lines it gets.
const VALUE_CHECK = [
  'if [ "$(cat value.txt)" = fixed ]; then exit 0; fi',
  "printf '%s\\n' '@sim write value.txt fixed' '@sim commit fix the value' '@sim done value fixed'",
  'exit 3',
].join('\n');
const KID = '# Kid\\n@sim write kid.txt kid\\n@sim commit kid: add kid\\n@sim done kid finished';

/**
 * An `agents:` entry for a terminal program czar has no preset for (here the simulated agent's TUI, run as a program
 * of the person's own: no `preset:`, so nothing of the sim preset applies) is an agent that gets czar's messages.
 */
describe('a custom agent (a program czar has no preset for)', () => {
  it("gets czar's preamble, a nudge, a check's fix-up, a bonus task and its sub-worker's notice", async () => {
    const fx = await fleetFixture({
      agents: (root) => ({
        mybot: simAsCustomAgent(root),
      }),
      workers: [
        { name: 'quiet', agent: 'mybot', task: '# Quiet\n@sim quiet' },
        {
          name: 'fixer',
          agent: 'mybot',
          task: '# Value\n@sim write value.txt broken\n@sim commit set the value\n@sim done value set',
          checks: [{ name: 'value', run: VALUE_CHECK, timeout: '30s' }],
        },
        {
          name: 'parent',
          agent: 'mybot',
          task: `# Parent\n@sim work 2 planning\n@sim spawn kid ${KID}\n@sim write p.txt p\n@sim commit p: add p\n@sim done parent finished`,
        },
      ],
      bonus: [
        { name: 'extra', task: '# Extra EXTRA-7\n@sim write extra.txt more\n@sim commit extra\n@sim done extra' },
      ],
      policy: { idle_after: '3s', escalate_after: '30s', spawn: { max_children: 1, max_depth: 1 } },
    });
    expect(fx.fleet.config.workers.map((worker) => worker.agent.preset)).toEqual(['custom', 'custom', 'custom']);
    await gitIn(fx.repo, ['config', 'user.name', 'Czar Test']);
    await gitIn(fx.repo, ['config', 'user.email', 'test@czar.invalid']);
    await fx.launchWave();
    await fx.supervise();

    const got = (worker: string, text: string, what: string) =>
      waitFor(async () => (await fx.captures(worker)).find((message) => message.includes(text)), {
        timeoutMs: 90_000,
        what,
      });
    // The preamble, which tells it how to report.
    expect((await fx.captures('quiet'))[0]).toContain('czar report --task quiet');
    // Quiet with work left: nudged.
    await fx.waitForEvent('nudge', 'quiet', { timeoutMs: 60_000 });
    await got('quiet', 'If the task is not finished, carry on with it now', "quiet's nudge");
    // A failed check: the fix-up reaches it, and once verified it gets the bonus task.
    await got('fixer', 'does not pass its checks', "fixer's fix-up");
    await got('fixer', 'EXTRA-7', "fixer's bonus task");
    // Its sub-worker verified: the parent is told to merge it.
    expect(await got('parent', 'git merge czar/kid', "parent's notice of its verified kid")).toContain(
      'Your sub-worker kid has finished',
    );
    expect((await fx.events()).filter((event) => event.kind === 'not_pasted')).toEqual([]);
  });
});
