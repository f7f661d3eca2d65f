// `npm test`'s last step: every vitest tier, in two lanes that run at the same time. Alone on 2 cores, the integration
// tier kept 1.4 cores busy for 11 minutes and the real agents 1.1 cores for 14 (one CLI at a time): one after the
// other they were most of CI's time, side by side they share the cores. Each lane's lines are prefixed with its name;
// the last line counts the tests of both lanes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const VITEST = path.resolve(import.meta.dirname, '../node_modules/vitest/vitest.mjs');

/** Each lane runs its vitest invocations in order; the lanes run at once. */
const LANES: readonly { readonly name: string; readonly runs: readonly (readonly string[])[] }[] = [
  {
    name: 'tiers',
    runs: [
      ['unit', 'ui', 'integration'],
      ['hosts', 'e2e'],
    ],
  },
  { name: 'agents', runs: [['real-agents']] },
];

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
}

/** One `vitest run` of these projects, its lines prefixed; resolves with its test counts and whether it passed. */
function runVitest(lane: string, projects: readonly string[]): Promise<Counts> {
  const args = [VITEST, 'run', ...projects.flatMap((project) => ['--project', project])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const counts: Counts = { passed: 0, failed: 0, skipped: 0, ok: false };
  const prefix = `[${lane}] `;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix}${line}\n`);
      // vitest's summary: "Tests  1 failed | 940 passed | 2 skipped (943)".
      const summary = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(stripVTControlCharacters(line));
      if (summary === null) return;
      for (const [, count, kind] of (summary[1] ?? '').matchAll(/(\d+) (passed|failed|skipped)/g))
        counts[kind as 'passed' | 'failed' | 'skipped'] += Number(count);
    });
  }
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ ...counts, ok: code === 0 && counts.failed === 0 })),
  );
}

async function runLane(lane: (typeof LANES)[number]): Promise<Counts> {
  const started = performance.now();
  const total: Counts = { passed: 0, failed: 0, skipped: 0, ok: true };
  for (const projects of lane.runs) {
    const counts = await runVitest(lane.name, projects);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    total.ok &&= counts.ok;
  }
  // Which lane is the long one tells where CI's time goes.
  process.stdout.write(`[${lane.name}] lane done in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  return total;
}

const results = await Promise.all(LANES.map(runLane));
const sum = (key: 'passed' | 'failed' | 'skipped'): number => results.reduce((all, lane) => all + lane[key], 0);
const ok = results.every((lane) => lane.ok);
if (!ok && sum('failed') === 0) console.log('a vitest run failed without a failed test: read its lines above');
console.log(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exitCode = ok ? 0 : 1;
