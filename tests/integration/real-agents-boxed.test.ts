import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { workerIn } from '../helpers/fleet-fixture.js';
import { REAL_AGENT_TIMEOUT_SCALE, realAgentsMissing, type RealAgent } from '../helpers/real-agents.js';
import type { RealFleet } from '../helpers/real-fleet.js';
import { task, upRealFleet } from '../helpers/real-scenarios.js';
import { waitFor } from '../helpers/wait.js';
import { boxedHomeOf } from '../../src/launch/box-place.js';

// Real agents, each in a box (sandbox: required): the scripted model endpoint is on this machine's loopback, outside
// the box, reachable through the worker's network door and nothing else (found in the agent's env, args or settings
// files). Each agent's own settings ask before running a command (`allowShell: false`): it runs them unasked because
// czar starts a boxed agent in its no-approval mode.
const AGENTS: readonly RealAgent[] = [
  'claude',
  'codex',
  'gemini',
  'qwen',
  'opencode',
  'pi',
  'copilot',
  'kilo',
  'auggie',
];

/** A boxed worker's work: a commit, a done report, then its bonus task's commit. */
const work = (name: string, file: string, text: string): { name: string; task: string } => ({
  name,
  task: task(
    `Write ${file} and commit it.`,
    `RUN: echo ${text} > ${file} && git add ${file} && git commit -qm "add ${text}"`,
    `RUN: czar report --task ${name} --state done --note "${file} committed"`,
    'SAY: Finished.',
  ),
});

/** An agent's sign-in file (relative to the home), and its content holding a token. */
interface SignIn {
  readonly file: string;
  readonly text: (token: string) => string;
}

/** The sign-in files the test writes at home and in the worker's copy. */
const SIGN_IN: Partial<Record<RealAgent, SignIn>> = {
  claude: { file: '.claude/.credentials.json', text: (token) => `{"claudeAiOauth":{"accessToken":"${token}"}}` },
  auggie: {
    file: '.augment/session.json',
    text: (token) => `{"accessToken":"${token}","tenantURL":"http://127.0.0.1:1/","scopes":["email"]}`,
  },
};

/**
 * The box's door keeps the agent's sign-in file in step with the person's home: one written there reaches the
 * worker's copy, and one the agent refreshes in its copy goes home.
 */
async function expectSignInInStep(fx: RealFleet, signIn: SignIn): Promise<void> {
  const spec = fx.fleet.config.workers.find((worker) => worker.name === 'builder');
  // czar keeps the private home under its own cache folder.
  if (fx.cacheDir !== undefined) {
    vi.stubEnv('XDG_CACHE_HOME', fx.cacheDir);
    onTestFinished(() => {
      vi.unstubAllEnvs();
    });
  }
  const copy = spec === undefined ? undefined : await boxedHomeOf(fx.fleet, spec);
  if (copy === undefined) throw new Error('builder has no private home');
  const read = (home: string) => readFile(path.join(home, signIn.file), 'utf8').catch(() => '');
  await writeFile(path.join(fx.agent.home, signIn.file), signIn.text('from-home'));
  await waitFor(async () => (await read(copy)).includes('from-home'), { timeoutMs: 10_000, what: 'the copy' });
  await writeFile(path.join(copy, signIn.file), signIn.text('refreshed'));
  await waitFor(async () => (await read(fx.agent.home)).includes('refreshed'), {
    timeoutMs: 10_000,
    what: 'the refreshed token at home',
  });
}

describe.skipIf(!existsSync('/usr/bin/bwrap'))('real agents, boxed', () => {
  for (const agent of AGENTS) {
    const missing = realAgentsMissing(agent);
    it.skipIf(missing !== '')(
      `${agent} commits, reports done, is verified and gets its bonus task from inside its box${missing}`,
      async () => {
        const { fx } = await upRealFleet(agent, {
          sandbox: 'required',
          // Auggie signs in with the session file in its home, which the box copies and its door keeps in step.
          agentOptions: { allowShell: false, signInFile: true },
          checks: [{ name: 'hello', run: 'test -f hello.txt' }],
          workers: [work('builder', 'hello.txt', 'hello')],
          bonus: [work('farewell', 'bye.txt', 'bye')],
          // A new user's cache: Copilot CLI has not unpacked its binary there yet, and the box sees it read-only.
          newUserCache: true,
        });
        const status = await fx.waitForStatus(
          (s) => workerIn(s, 'builder').tasks.length === 2 && workerIn(s, 'builder').state === 'verified',
          { timeoutMs: 120_000 * REAL_AGENT_TIMEOUT_SCALE, what: 'builder verified after its bonus task' },
        );
        expect(workerIn(status, 'builder').tasks).toEqual(['builder', 'farewell']);
        expect(await fx.commits('builder')).toEqual(['add bye', 'add hello']);
        // Its records are in its private home, where czar reads its usage.
        await fx.waitForStatus((s) => (workerIn(s, 'builder').usage?.tokens ?? 0) > 0, {
          timeoutMs: 30_000,
          what: "builder's usage read from its private home",
        });
        // Its start-up report came through its door in time: the first paste never waited out the 60 s.
        expect((await fx.events()).filter((event) => event.kind === 'no_start_up_report')).toEqual([]);
        const signIn = SIGN_IN[agent];
        if (signIn !== undefined) await expectSignInInStep(fx, signIn);
      },
      240_000 * REAL_AGENT_TIMEOUT_SCALE,
    );
  }
});
