import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FleetEvent } from '../src/domain/model/words.js';
import { ms, percentile, row } from './harness.js';
import { czarPid, launchFleet, readStatus, report, settled, until, type Fleet } from './supervise.js';
import { commitIn, cpuShare } from './verify.js';

const WORKERS = 20;
/** Workers w1..w10 are reviewed; w11..w20 have `review: off`: checks only, on the same czar and the same load. */
const REVIEWED = 10;

/** Turns review on for the fleet and off for the second half of its workers, before `czar up` reads the config. */
function withReview(stateDir: string): void {
  const config = path.join(path.dirname(stateDir), 'czar.yaml');
  let text = readFileSync(config, 'utf8');
  for (let i = REVIEWED + 1; i <= WORKERS; i++)
    text = text.replace(`  - name: w${i}\n`, `  - name: w${i}\n    review: off\n`);
  writeFileSync(config, text);
  appendFileSync(
    config,
    `checks:\n  - { name: ok, run: "true", timeout: 30s }\nreview: { agent: sim, timeout: 60s }\n`,
  );
}

function events(fleet: Fleet): FleetEvent[] {
  return readFileSync(path.join(fleet.stateDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as FleetEvent);
}

/** A commit and a done report, as an agent finishing would; ms from the report to status.json saying verified. */
async function doneToVerified(fleet: Fleet, worker: string): Promise<number> {
  commitIn(fleet, worker, `${worker}-done.txt`, `finished by ${worker}\n`);
  const start = await report(fleet, worker, 'done', `finished ${worker}`);
  await until(
    () => (readStatus(fleet)?.workers.find((entry) => entry.name === worker)?.state === 'verified' ? true : undefined),
    120_000,
    `${worker} verified`,
  );
  return performance.now() - start;
}

/** The reviewer's own run time, from the czar's `review_approved` event ("... after 412 ms ..."). */
function reviewerMs(fleet: Fleet, worker: string): number {
  const approved = events(fleet).findLast((event) => event.kind === 'review_approved' && event.worker === worker);
  const match = / after (\d+) ms/.exec(approved?.message ?? '');
  if (match === null) throw new Error(`bench: no review_approved event with a time for ${worker}`);
  return Number(match[1]);
}

/**
 * `npm run bench -- review`: at 20 quiet simulated workers, the czar's CPU with reviews configured and idle; then
 * done -> verified for ten reviewed workers (the simulated reviewer approves at once) against ten with checks only,
 * interleaved on the same czar. The review's own overhead is the reviewed time minus the reviewer's own run, against
 * checks only.
 */
export async function benchReview(print: (line: string) => void): Promise<void> {
  const fleet = await launchFleet(
    'rv20',
    WORKERS,
    'idle_after: 1h, stuck_after: 2h',
    'Wait here.\n@sim quiet\n',
    [],
    withReview,
  );
  try {
    await settled(fleet, WORKERS);
    await sleep(5_000);
    const share = await cpuShare(czarPid(fleet), 60);
    print(`review: ${WORKERS} simulated workers, ${REVIEWED} reviewed by the simulated reviewer`);
    print(
      row(
        `czar CPU, ${WORKERS} quiet workers, reviews idle, 60 s`,
        `${(share * 100).toFixed(2)} %`,
        '< 1 % of a core',
        share < 0.01,
      ),
    );
    const reviewed: number[] = [];
    const reviewer: number[] = [];
    const checksOnly: number[] = [];
    for (let i = 1; i <= REVIEWED; i++) {
      reviewed.push(await doneToVerified(fleet, `w${i}`));
      reviewer.push(reviewerMs(fleet, `w${i}`));
      checksOnly.push(await doneToVerified(fleet, `w${REVIEWED + i}`));
    }
    const own = reviewed.map((total, i) => total - (reviewer[i] ?? 0));
    const overhead = percentile(own, 95) - percentile(checksOnly, 95);
    print(
      row(
        'done -> verified with review, p50 / p95',
        `${ms(percentile(reviewed, 50))} / ${ms(percentile(reviewed, 95))}`,
        '-',
        true,
      ),
    );
    print(
      row(
        "the simulated reviewer's own run, p50 / p95",
        `${ms(percentile(reviewer, 50))} / ${ms(percentile(reviewer, 95))}`,
        '-',
        true,
      ),
    );
    print(
      row(
        'done -> verified with checks only (baseline), p50 / p95',
        `${ms(percentile(checksOnly, 50))} / ${ms(percentile(checksOnly, 95))}`,
        'n/a',
        true,
      ),
    );
    print(
      row(
        "review's own overhead, p95 (reviewed minus its reviewer's run, minus checks only)",
        ms(overhead),
        '< 1000 ms',
        overhead < 1000,
      ),
    );
  } finally {
    fleet.stop();
  }
}
