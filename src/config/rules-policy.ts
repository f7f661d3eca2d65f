import { parseDuration } from './duration.js';
import { problemAt, regexProblems, type Problem } from './problems.js';
import { POLICY_DEFAULTS } from './defaults.js';
import type { Rule } from './rule.js';
import type { WrittenConfig } from './schema.js';

/** Rules on `policy:` and other timings: what the supervisor's clock can act on sensibly. */

export const autoAnswerRegexes: Rule = {
  name: 'auto-answer-regexes',
  check: (config) => {
    const answers = config.policy?.auto_answer;
    if (answers === undefined || answers === 'off') return [];
    return answers.flatMap((answer, index) => regexProblems(['policy', 'auto_answer', index, 'match'], answer.match));
  },
};

export const stuckAfterIdle: Rule = {
  name: 'stuck-after-idle',
  check: (config) => {
    const policy = config.policy;
    if (policy?.stuck_after === undefined && policy?.idle_after === undefined) return [];
    const idle = policy.idle_after === undefined ? POLICY_DEFAULTS.idleAfterMs : parseDuration(policy.idle_after);
    const stuck = policy.stuck_after === undefined ? POLICY_DEFAULTS.stuckAfterMs : parseDuration(policy.stuck_after);
    if (idle === undefined || stuck === undefined || stuck > idle) return [];
    const key = policy.stuck_after === undefined ? 'idle_after' : 'stuck_after';
    return [
      problemAt(
        ['policy', key],
        `makes stuck_after (${stuck / 1000}s) no longer than idle_after (${idle / 1000}s); a worker must be idle before it can be stuck, so make stuck_after longer.`,
      ),
    ];
  },
};

/**
 * The least each duration may be, with a usual value for the fix. Below these the supervisor acts on noise: at
 * `idle_after: 0s` every pause between two lines is idle, and `escalate_after: 0s` runs the whole ladder (nudge,
 * re-brief, restart) within one pass. launch_stagger may be 0 (no gap).
 */
const MINIMUMS: readonly { readonly key: string; readonly leastMs: number; readonly usual: string }[] = [
  { key: 'idle_after', leastMs: 3_000, usual: '90s' },
  { key: 'escalate_after', leastMs: 3_000, usual: '5m' },
  { key: 'stuck_after', leastMs: 5_000, usual: '20m' },
  { key: 'checkpoint_after', leastMs: 5_000, usual: '20m' },
  { key: 'backoff', leastMs: 1_000, usual: '30s' },
  { key: 'timeout', leastMs: 1_000, usual: '10m' },
];

/** Every duration the config writes, with its key path. */
function durations(config: WrittenConfig): { path: PropertyKey[]; value: string | number | undefined }[] {
  const policy = config.policy;
  const checkLists = [
    { at: ['checks'], list: config.checks },
    ...config.workers.map((worker, index) => ({ at: ['workers', index, 'checks'], list: worker.checks })),
    { at: ['integration', 'checks'], list: config.integration?.checks },
  ];
  return [
    ...checkLists.flatMap(({ at, list }) =>
      (list ?? []).map((check, index) => ({ path: [...at, index, 'timeout'], value: check.timeout })),
    ),
    { path: ['policy', 'idle_after'], value: policy?.idle_after },
    { path: ['policy', 'escalate_after'], value: policy?.escalate_after },
    { path: ['policy', 'stuck_after'], value: policy?.stuck_after },
    { path: ['policy', 'checkpoint_after'], value: policy?.checkpoint_after },
    { path: ['policy', 'restart', 'backoff'], value: policy?.restart?.backoff },
  ];
}

export const durationMinimums: Rule = {
  name: 'duration-minimums',
  check: (config) =>
    durations(config).flatMap(({ path, value }): Problem[] => {
      const key = String(path[path.length - 1]);
      const least = MINIMUMS.find((minimum) => minimum.key === key);
      const written = value === undefined ? undefined : parseDuration(value);
      if (least === undefined || written === undefined || written >= least.leastMs) return [];
      const shown = typeof value === 'number' ? String(value) : JSON.stringify(value);
      return [
        problemAt(
          path,
          `${shown} is shorter than ${least.leastMs / 1000}s, the least czar accepts for it; write a longer one, e.g. ${key}: ${least.usual}.`,
        ),
      ];
    }),
};

/** `max_children: 0` forbids spawning, so a depth beside it is a limit that can never apply: one of them is a mistake. */
export const spawnLimitsAgree: Rule = {
  name: 'spawn-limits-agree',
  check: (config) => {
    const spawn = config.policy?.spawn;
    if (spawn?.max_children !== 0 || spawn.max_depth === undefined) return [];
    return [
      problemAt(
        ['policy', 'spawn', 'max_depth'],
        `max_depth ${spawn.max_depth} has no effect with max_children: 0 (no worker may spawn); remove max_depth, or allow children with max_children: 1 or more.`,
      ),
    ];
  },
};
