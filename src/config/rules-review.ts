import { orChoices, problemAt, type Problem } from './problems.js';
import { canReview, defaultReviewer, presetNameOf, reviewingPresets, writtenReviewOf } from './resolve-review.js';
import { isPreset, PRESET_NAMES } from '../domain/model/config-types.js';
import type { Rule } from './rule.js';

/** Every reviewer exists and can review (a headless mode czar runs once and reads a verdict from, or `review_args:`). */
export const reviewersCanReview: Rule = {
  name: 'reviewers-can-review',
  check: (config) => {
    const problems = new Map<string, Problem>();
    const available = [...new Set([...PRESET_NAMES, ...Object.keys(config.agents ?? {})])];
    const presets = reviewingPresets().join(', ');
    config.workers.forEach((worker, index) => {
      const review = writtenReviewOf(config, worker);
      if (review === undefined) return;
      const own = typeof worker.review === 'object' && worker.review.agent !== undefined;
      const at = own ? ['workers', index, 'review', 'agent'] : ['review', 'agent'];
      if (review.agent === undefined) {
        if (defaultReviewer(config, worker) === undefined)
          problems.set(`${index}`, problemAt(['workers', index], noReviewer(worker.name, presets)));
        return;
      }
      const agent = review.agent;
      const key = at.join('.');
      if (!isPreset(agent) && config.agents?.[agent] === undefined)
        problems.set(
          key,
          problemAt(at, `"${agent}" is not a built-in agent or an agents: entry; ${orChoices(agent, available)}`),
        );
      else if (!canReview(config, agent))
        problems.set(
          key,
          problemAt(
            at,
            `"${agent}" (preset ${presetNameOf(config, agent)}) cannot review: it has no headless mode that answers with a verdict; give agents.${agent} review_args: [...] so czar runs it once with the prompt on stdin and reads its verdict line (docs/review.md), or name an agent whose preset is one of ${presets}.`,
          ),
        );
    });
    return [...problems.values()];
  },
};

function noReviewer(worker: string, presets: string): string {
  return `has review: on but no configured agent can review ${worker}'s branch; add review: { agent: <name> } naming an agent that has review_args: [...] or whose preset is one of ${presets}, or review: off.`;
}
