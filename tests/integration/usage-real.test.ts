import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { PACKAGE_ROOT, workerIn } from '../helpers/fleet-fixture.js';
import { startModelEndpoint, type RecordedUsage } from '../helpers/model-endpoint.js';
import { realAgentsMissing as missing, type RealAgent } from '../helpers/real-agents.js';
import { realFleet } from '../helpers/real-fleet.js';

/**
 * What the endpoint's answers add up to in each API's own terms: Anthropic's input excludes the cache, so every
 * field adds; OpenAI's and Gemini's prompt counts include the cached tokens and have no cache write.
 */
const apiTokens = (cli: RealAgent, entry: RecordedUsage): { input: number; total: number } =>
  cli === 'claude'
    ? { input: entry.input, total: entry.input + entry.output + entry.cacheRead + entry.cacheWrite }
    : { input: entry.input - entry.cacheRead, total: entry.input + entry.output };

// Which of each CLI's calls land in its own records: Claude Code and Gemini CLI record the conversation's calls
// only (titles, the router and other side calls are billed but not written there).
describe.each(['claude', 'codex', 'gemini'] as const)('usage of a real %s against a scripted endpoint', (cli) => {
  const why = missing(cli);
  it.skipIf(why !== '')(
    `czar's totals per worker and per task equal the endpoint's sums exactly, each repeated record once${why}`,
    async () => {
      const endpoint = await startModelEndpoint();
      // The agent's shell may not have czar on PATH (tmux gives a new session the PATH of its client): name it whole.
      const report = `${process.execPath} ${path.join(PACKAGE_ROOT, 'bin', 'czar')} report --state done`;
      const fx = await realFleet({
        agent: cli,
        endpoint,
        workers: [
          {
            name: 'coder',
            task: `Write the file.\nRUN: echo one > one.txt && git add -A && git commit -qm one\nRUN: ${report} --note one`,
          },
        ],
        bonus: [
          {
            name: 'extra',
            task: `BONUS-MARKER write another file.\nRUN: echo two > two.txt && git add -A && git commit -qm two\nRUN: ${report} --note two`,
          },
        ],
      });
      await fx.up();
      // Both tasks done: the bonus task's done report comes after its commit.
      await fx.waitForStatus((s) => workerIn(s, 'coder').tasks.length === 2 && workerIn(s, 'coder').state === 'done', {
        timeoutMs: 180_000,
        what: 'coder done with its bonus task',
      });
      // Claude Code writes only the conversation's own calls to its transcript (titles and other side calls are
      // billed but not recorded there), so the exact figure is the endpoint's main calls.
      const tokens = (usage: readonly RecordedUsage[]): number =>
        usage.reduce((sum, entry) => sum + apiTokens(cli, entry).total, 0);
      const main = (): RecordedUsage[] => endpoint.usage.filter((entry) => entry.cli === cli && entry.kind === 'main');
      const status = await fx.waitForStatus((s) => workerIn(s, 'coder').usage?.tokens === tokens(main()), {
        timeoutMs: 30_000,
        what: `czar's total to reach the endpoint's ${tokens(main())}`,
      });
      const usage = workerIn(status, 'coder').usage;
      const inBonus = main().filter((entry) =>
        JSON.stringify(endpoint.requests[entry.request]?.body).includes('BONUS-MARKER'),
      );
      expect(inBonus.length).toBeGreaterThan(0);
      expect(inBonus.length).toBeLessThan(main().length);
      expect(usage?.tasks.map((task) => [task.task, task.tokens])).toEqual([
        ['coder', tokens(main()) - tokens(inBonus)],
        ['extra', tokens(inBonus)],
      ]);
      expect(usage?.input).toBe(main().reduce((sum, entry) => sum + apiTokens(cli, entry).input, 0));
      expect(usage?.cacheRead).toBe(main().reduce((sum, entry) => sum + entry.cacheRead, 0));
      expect(usage?.skippedLines).toBe(0);
      // Claude Code writes a message with a tool call on more than one line: more lines than calls, counted once.
      expect(main().length).toBeGreaterThanOrEqual(4);
    },
    240_000,
  );
});
