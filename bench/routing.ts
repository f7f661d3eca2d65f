import { chooseAgent } from '../src/domain/learning/routing.js';
import type { Outcome } from '../src/domain/learning/outcome.js';
import { row } from './harness.js';
import { random as seededRandom } from '../tests/helpers/property.js';

/**
 * Routing by the record, on a simulated stream of tasks: 4 kinds, 3 agents, each (agent, kind) with seeded odds of
 * being verified on the first try that czar does not know. Learned routing (the same `chooseAgent` the czar uses, fed
 * the outcomes as they come) against round-robin and against an oracle that knows the odds, in one run with the
 * same tasks and the same luck per task.
 */

const TASKS = 300;
const WARM_UP = 60;
const KINDS = ['api', 'docs', 'tests', 'ui'];
const AGENTS = ['claude', 'codex', 'gemini'];
/** Dollars per attempt: a task that fails its first try costs a second attempt, and is given up after it fails too. */
const PRICE: Readonly<Record<string, number>> = { claude: 0.3, codex: 0.2, gemini: 0.1 };
const REPO = 'bench-repo';

/** Each agent is strong at some kinds (0.70 to 0.90) and weak at the rest (0.25 to 0.55), as agents of different makes are. */
function seededOdds(random: () => number): Map<string, number> {
  const odds = new Map<string, number>();
  KINDS.forEach((kind, k) => {
    const strong = AGENTS[k % AGENTS.length];
    for (const agent of AGENTS)
      odds.set(`${agent}/${kind}`, agent === strong ? 0.7 + 0.2 * random() : 0.25 + 0.3 * random());
  });
  return odds;
}

interface Result {
  readonly firstTry: number;
  readonly verified: number;
  readonly usd: number;
  readonly tasks: number;
}

type Router = (kind: string, index: number, outcomes: readonly Outcome[]) => string;

/** Runs the stream through `route`; `luck[i]` is the same two draws per task for every router. */
function simulate(
  route: Router,
  odds: Map<string, number>,
  stream: readonly string[],
  luck: readonly [number, number][],
): Result {
  const outcomes: Outcome[] = [];
  let firstTry = 0;
  let verified = 0;
  let usd = 0;
  stream.forEach((kind, index) => {
    const agent = route(kind, index, outcomes);
    const p = odds.get(`${agent}/${kind}`) ?? 0;
    const [first, second] = luck[index] ?? [1, 1];
    const okFirst = first < p;
    const ok = okFirst || second < p;
    const spent = (PRICE[agent] ?? 0) * (okFirst ? 1 : 2);
    outcomes.push(outcome(index, kind, agent, okFirst, ok, spent));
    if (index < WARM_UP) return;
    firstTry += okFirst ? 1 : 0;
    verified += ok ? 1 : 0;
    usd += spent;
  });
  return { firstTry, verified, usd, tasks: stream.length - WARM_UP };
}

function outcome(index: number, kind: string, agent: string, firstTry: boolean, ok: boolean, usd: number): Outcome {
  return {
    v: 1,
    id: `t${index}`,
    at: new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString(),
    repo: REPO,
    kind,
    areas: [],
    agent,
    preset: agent,
    end: ok ? 'verified' : 'gave_up',
    firstTry,
    checkFailures: firstTry ? [] : ['test'],
    reviewRounds: 0,
    verdicts: [],
    nudges: 0,
    restarts: 0,
    minutes: 10,
    usd,
    integrated: false,
  };
}

const pct = (value: number): string => `${(value * 100).toFixed(1)} %`;

export function benchRouting(seed = 44): string[] {
  const random = seededRandom(seed);
  const odds = seededOdds(random);
  const stream = Array.from({ length: TASKS }, () => KINDS[Math.floor(random() * KINDS.length)] ?? 'api');
  const luck = stream.map((): [number, number] => [random(), random()]);
  const settings = { pool: AGENTS, explore: 0.1, minOutcomes: 2, reassignAfter: 0 };
  const learned = simulate(
    (kind, _index, outcomes) => chooseAgent({ kind, repo: REPO, outcomes, settings })?.agent ?? 'claude',
    odds,
    stream,
    luck,
  );
  const roundRobin = simulate((_kind, index) => AGENTS[index % AGENTS.length] ?? 'claude', odds, stream, luck);
  const bestOf = (kind: string): string =>
    AGENTS.reduce((a, b) => ((odds.get(`${b}/${kind}`) ?? 0) > (odds.get(`${a}/${kind}`) ?? 0) ? b : a));
  const oracle = simulate((kind) => bestOf(kind), odds, stream, luck);
  // The best single agent: the one with the best mean odds over the stream's kinds, for every task.
  const single = AGENTS.reduce((a, b) =>
    stream.reduce((sum, kind) => sum + (odds.get(`${b}/${kind}`) ?? 0), 0) >
    stream.reduce((sum, kind) => sum + (odds.get(`${a}/${kind}`) ?? 0), 0)
      ? b
      : a,
  );
  const bestSingle = simulate(() => single, odds, stream, luck);

  const rate = (result: Result): number => result.firstTry / result.tasks;
  const perVerified = (result: Result): number => result.usd / Math.max(1, result.verified);
  const lines = [
    `routing: ${TASKS} tasks over ${KINDS.length} kinds and ${AGENTS.length} agents (seed ${seed}), measured after a warm-up of ${WARM_UP}`,
    ...[
      ['learned (czar)', learned],
      ['round-robin', roundRobin],
      [`best single agent (${single})`, bestSingle],
      ['oracle (knows the odds)', oracle],
    ].map(
      ([name, result]) =>
        `  ${String(name).padEnd(28)} first try ${pct(rate(result as Result)).padStart(7)}  verified ${pct((result as Result).verified / (result as Result).tasks).padStart(7)}  $/verified ${perVerified(result as Result).toFixed(3)}`,
    ),
    row(
      'learned vs round-robin, first try',
      `${(rate(learned) / rate(roundRobin)).toFixed(2)}x`,
      '>= 1.15x',
      rate(learned) >= 1.15 * rate(roundRobin),
    ),
    row(
      'learned vs oracle, first try',
      `${(rate(learned) / rate(oracle)).toFixed(3)}x`,
      '>= 0.95x',
      rate(learned) >= 0.95 * rate(oracle),
    ),
    row(
      'learned vs round-robin, $ per verified',
      `${(perVerified(learned) / perVerified(roundRobin)).toFixed(2)}x`,
      '<= 1.00x',
      perVerified(learned) <= perVerified(roundRobin),
    ),
  ];
  return lines;
}
