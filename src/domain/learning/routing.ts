import type { Outcome } from './outcome.js';

/**
 * Which agent of the pool gets a task of a kind: the one whose record for that kind (in this repository, else in any)
 * shows the best verified-first-time rate, the lower cost per verified task breaking a tie. An agent with fewer than
 * `minOutcomes` outcomes of the kind is measured first (no decision rests on less). Then each record counts with a
 * bonus for how little it rests on, UCB1's `sqrt(2 ln N / n)` (each count one more) scaled by `explore` (N the kind's outcomes in all, n the
 * agent's): a thin record that might still be the best is tried again, a long one is taken at its rate, and an agent
 * is measured less the more clearly it is worse, but never stops being measured. A random share of choices (tried
 * first) cost 4 to 9 % against an oracle in the routing bench; this bonus 0 to 4 % on the same ten seeds.
 */

export interface RoutingSettings {
  /** Agents (as czar.yaml names them) that may be chosen, in order of preference when nothing else decides. */
  readonly pool: readonly string[];
  /** Weight of the bonus a thin record gets (1: UCB1's; 0 turns it off, so the best rate alone decides). */
  readonly explore: number;
  /** Outcomes of an agent for a kind below which its record decides nothing. */
  readonly minOutcomes: number;
  /** Failed verification rounds after which a routed task is handed to another agent of the pool (0: never). */
  readonly reassignAfter: number;
  /** Agents of the pool that are plain shells: a task handed to one is pasted alone, with no word of what failed. */
  readonly plainShells?: readonly string[];
}

/** One agent's track record for the kind, as compared. */
export interface AgentTrack {
  readonly agent: string;
  /** Outcomes counted: this repository's when it has enough of them, else every repository's. */
  readonly outcomes: number;
  readonly firstTry: number;
  /** Verified-first-time rate with one success and one failure assumed (so 1 of 1 is not 100 %). */
  readonly rate: number;
  /** Dollars per verified task; undefined when none said. */
  readonly usd: number | undefined;
  readonly where: 'this repository' | 'any repository' | 'unmeasured';
}

export interface RoutingChoice {
  readonly agent: string;
  readonly why: 'best record' | 'measuring' | 'exploring' | 'only choice';
  /** The records compared, in pool order. */
  readonly compared: readonly AgentTrack[];
  /** One line for the event log: the choice and the records it rests on. */
  readonly reason: string;
}

export interface RoutingQuestion {
  readonly kind: string;
  readonly repo: string;
  readonly outcomes: readonly Outcome[];
  readonly settings: RoutingSettings;
  /** Agents not to choose (the one a task is handed over from). */
  readonly exclude?: readonly string[];
}

/** The agent for the task, or undefined when the pool (less `exclude`) is empty. */
export function chooseAgent(question: RoutingQuestion): RoutingChoice | undefined {
  const { settings, exclude = [] } = question;
  const pool = settings.pool.filter((agent) => !exclude.includes(agent));
  if (pool.length === 0) return undefined;
  const compared = pool.map((agent) => recordOf(agent, question));
  const pick = (agent: string, why: RoutingChoice['why']): RoutingChoice => ({
    agent,
    why,
    compared,
    reason: `${agent} for ${question.kind} (${why}): ${compared.map(recordText).join('; ')}`,
  });
  if (pool.length === 1) return pick(pool[0] ?? '', 'only choice');
  const unmeasured = compared.filter((record) => record.where === 'unmeasured');
  if (unmeasured.length > 0) {
    const least = unmeasured.reduce((a, b) => (b.outcomes < a.outcomes ? b : a));
    return pick(least.agent, 'measuring');
  }
  const best = compared.reduce(better);
  const total = compared.reduce((sum, record) => sum + record.outcomes, 0);
  // Counted from one more outcome each, as the rate is, so a record of none has a finite bonus.
  const hopeful = (record: AgentTrack): number =>
    record.rate + Math.sqrt((2 * settings.explore * Math.log(total + 1)) / (record.outcomes + 1));
  const tried = compared.reduce((a, b) => (hopeful(b) > hopeful(a) ? b : a));
  return tried === best || hopeful(tried) === hopeful(best)
    ? pick(best.agent, 'best record')
    : pick(tried.agent, 'exploring');
}

/** The better of two records: the higher rate (to a percent), then the lower known cost, then pool order. */
function better(a: AgentTrack, b: AgentTrack): AgentTrack {
  const ra = Math.round(a.rate * 100);
  const rb = Math.round(b.rate * 100);
  if (ra !== rb) return rb > ra ? b : a;
  if (a.usd !== undefined && b.usd !== undefined && a.usd !== b.usd) return b.usd < a.usd ? b : a;
  return a;
}

function recordOf(agent: string, question: RoutingQuestion): AgentTrack {
  const mine = question.outcomes.filter((outcome) => outcome.agent === agent && outcome.kind === question.kind);
  const here = mine.filter((outcome) => outcome.repo === question.repo);
  const enough = question.settings.minOutcomes;
  const [counted, where] =
    here.length >= enough
      ? [here, 'this repository' as const]
      : mine.length >= enough
        ? [mine, 'any repository' as const]
        : [mine, 'unmeasured' as const];
  const firstTry = counted.filter((outcome) => outcome.firstTry).length;
  const verified = counted.filter((outcome) => outcome.end === 'verified' || outcome.end === 'integrated');
  const priced = verified.filter((outcome) => outcome.usd !== undefined);
  const spent = counted.reduce((sum, outcome) => sum + (outcome.usd ?? 0), 0);
  return {
    agent,
    outcomes: counted.length,
    firstTry,
    rate: (firstTry + 1) / (counted.length + 2),
    usd: priced.length === 0 || verified.length === 0 ? undefined : spent / verified.length,
    where,
  };
}

function recordText(record: AgentTrack): string {
  if (record.where === 'unmeasured') return `${record.agent} ${record.outcomes} outcome(s), too few`;
  const cost = record.usd === undefined ? '' : `, $${record.usd.toFixed(2)}/verified`;
  return `${record.agent} ${record.firstTry}/${record.outcomes} first try in ${record.where}${cost}`;
}
