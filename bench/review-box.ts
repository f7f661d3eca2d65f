import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { simReviewMode } from '../src/agents/sim/review.js';
import { runReviewCall } from '../src/adapters/review-process.js';
import type { ReviewCall } from '../src/agents/review-call.js';
import { REVIEW_VERDICT_JSON_SCHEMA } from '../src/domain/model/review-verdict.js';
import { boxBehindDoor } from '../src/launch/box-behind-door.js';
import { stopFleetDoor } from '../src/adapters/fleet-door.js';
import { benchRepo, median, ms, percentile, row, SIM } from './harness.js';

const RUNS = 10;
const BWRAP = '/usr/bin/bwrap';
const ENGINE = { kind: 'bwrap', path: BWRAP, version: '', socat: '/usr/bin/socat' } as const;

/** The simulated reviewer's call, boxed as a boxed worker's reviewer is (`launch/review-box.ts`), its door open to none. */
async function boxed(call: ReviewCall, root: string, workDir: string): Promise<ReviewCall> {
  const stateDir = path.join(root, '.czar');
  const home = path.join(root, 'home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const [command = '', ...args] = await boxBehindDoor(stateDir, ENGINE, {
    name: 'w1.review',
    owner: 'w1',
    network: { allow: [], loopbackPorts: [] },
    plan: {
      folder: call.cwd,
      readOnlyFolder: true,
      linkedCheckout: true,
      stateDir,
      home,
      readable: [root, path.dirname(path.dirname(process.execPath)), path.dirname(path.dirname(SIM))],
      hidden: [],
      writable: [workDir],
      env: {},
      argv: [call.command, ...call.args],
    },
  });
  return { ...call, command, args };
}

/**
 * `npm run bench -- review-box`: the simulated reviewer's whole run (czar writes its files, starts it, reads its
 * answer), unboxed and boxed as a boxed worker's reviewer is (bubblewrap around its socat launcher around the reviewer,
 * behind the fleet's door), alternated so machine noise hits both alike.
 */
export async function benchReviewBox(print: (line: string) => void): Promise<void> {
  if (!existsSync(BWRAP)) {
    print(`review-box: skipped, no ${BWRAP}`);
    return;
  }
  const { root, repo, cleanup } = benchRepo('review-box');
  try {
    const workDir = path.join(root, '.czar', 'reviews', 'w1', 'work');
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    const agent = { name: 'sim', preset: 'sim' as const, command: process.execPath, args: [SIM], env: {} };
    const run = {
      prompt: 'Review round 1 of 3\n@sim review approve reads well\n',
      cwd: repo,
      workDir,
      verdictSchema: REVIEW_VERDICT_JSON_SCHEMA,
      nonce: 'bench',
    };
    const call = simReviewMode.call(agent, run);
    const runFile = path.join(root, 'run.json');
    // The boxed run's time includes opening its entry in the fleet's door, as each review does.
    const timed = async (make: () => Promise<ReviewCall>): Promise<number> => {
      const start = performance.now();
      const result = await runReviewCall(await make(), 60_000, runFile);
      if (result.exitCode !== 0) throw new Error(`bench: the reviewer exited ${result.exitCode}: ${result.stderr}`);
      return performance.now() - start;
    };
    const plain: number[] = [];
    const inBox: number[] = [];
    const unboxedRun = (): Promise<ReviewCall> => Promise.resolve(call);
    const boxedRun = (): Promise<ReviewCall> => boxed(call, root, workDir);
    await timed(unboxedRun);
    await timed(boxedRun);
    for (let i = 0; i < RUNS; i++) {
      plain.push(await timed(unboxedRun));
      inBox.push(await timed(boxedRun));
    }
    print(`review-box: the simulated reviewer's run, ${RUNS} each, alternated`);
    print(row('unboxed (baseline), p50 / p95', `${ms(median(plain))} / ${ms(percentile(plain, 95))}`, 'n/a', true));
    print(row('boxed, p50 / p95', `${ms(median(inBox))} / ${ms(percentile(inBox, 95))}`, '-', true));
    const extra = median(inBox) - median(plain);
    print(
      row(
        'boxed over unboxed, p50',
        `${(median(inBox) / median(plain)).toFixed(2)}x (+${ms(extra)})`,
        '< +1000 ms',
        extra < 1000,
      ),
    );
  } finally {
    await stopFleetDoor(path.join(root, '.czar'));
    cleanup();
  }
}
