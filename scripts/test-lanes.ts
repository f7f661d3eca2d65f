// `npm test`'s last step: the type check, lint and every vitest tier, in lanes that run at the same time. Alone on 2
// cores, the integration tier kept 1.4 cores busy for 11 minutes and the real agents 1.1 cores for 14 (one CLI at a
// time): one after the other they were most of CI's time, side by side they share the cores. The type check and lint
// (a core for most of a minute) go beside them too. Each lane's lines are prefixed with its name; the last line
// counts the tests of all lanes.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';

const VITEST = path.resolve(import.meta.dirname, '../node_modules/vitest/vitest.mjs');

/** Each lane runs its steps in order (vitest projects, or an npm script); the lanes run at once. */
type Step = { readonly vitest: readonly string[] } | { readonly npm: string };
const LANES: readonly { readonly name: string; readonly runs: readonly Step[] }[] = [
  {
    name: 'tiers',
    // Some of the real agents last, so that this lane and the agents lane end about together.
    runs: [{ vitest: ['unit', 'ui', 'integration'] }, { vitest: ['hosts', 'e2e'] }, { vitest: ['real-agents-beside'] }],
  },
  { name: 'agents', runs: [{ vitest: ['real-agents'] }] },
  { name: 'checks', runs: [{ npm: 'typecheck' }, { npm: 'lint' }] },
];

/** Every failed test's line, from every lane, with the first lines of its error, printed again last. */
const failures = new Map<string, string[]>();
/** How many of an error's lines follow its test's line at the end: the message, not the stack. */
const ERROR_LINES = 4;

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  ok: boolean;
}

/** One step, its lines prefixed; resolves with its test counts (vitest's) and whether it passed. */
function runStep(lane: string, step: Step): Promise<Counts> {
  const [command, args] =
    'vitest' in step
      ? [process.execPath, [VITEST, 'run', ...step.vitest.flatMap((project) => ['--project', project])]]
      : ['npm', ['run', '--silent', step.npm]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const counts: Counts = { passed: 0, failed: 0, skipped: 0, ok: false };
  const prefix = `[${lane}] `;
  for (const stream of [child.stdout, child.stderr]) {
    // The failure whose error lines are being read, from vitest's "Failed Tests" section.
    let reading: string[] | undefined;
    createInterface({ input: stream }).on('line', (line) => {
      process.stdout.write(`${prefix}${line}\n`);
      const plain = stripVTControlCharacters(line);
      // vitest's "FAIL  project file > test" lines and what failed them: repeated at the very end, where a CI log's
      // tail shows them. The error's message ends where its stack ("❯ file:line") or the next section ("⎯") begins.
      if (/^\s*FAIL\s/.test(plain)) {
        const key = `${prefix}${plain.trim()}`;
        reading = failures.get(key) ?? [];
        failures.set(key, reading);
        return;
      }
      if (reading !== undefined) {
        if (/^\s*(❯|⎯)/.test(plain) || reading.length >= ERROR_LINES) reading = undefined;
        else if (plain.trim() !== '') reading.push(`${prefix}  ${plain.trim()}`);
      }
      // vitest's summary: "Tests  1 failed | 940 passed | 2 skipped (943)".
      const summary = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(plain);
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
  for (const step of lane.runs) {
    const counts = await runStep(lane.name, step);
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
for (const [failure, error] of failures) console.log([failure, ...error].join('\n'));
if (!ok && sum('failed') === 0) console.log('a vitest run failed without a failed test: read its lines above');
console.log(`${sum('passed')} passed, ${sum('failed')} failed, ${sum('skipped')} skipped`);
process.exitCode = ok ? 0 : 1;
