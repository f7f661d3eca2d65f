import { reviewModeOf } from '../agents/index.js';
import { presetForCommand } from '../agents/shell/shells.js';
import {
  isPreset,
  PRESET_NAMES,
  type AgentCommand,
  type PresetName,
  type ReviewSpec,
} from '../domain/model/config-types.js';
import { DEFAULT_AGENT, REVIEW_DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import type { WrittenConfig, WrittenReview, WrittenWorker } from './schema.js';

/** Who reviews whom: the fleet's `review:` with a worker's own over it, and the default reviewer when none is named. */

interface AgentMake {
  readonly name: string;
  /** Which program it is, so a model does not grade its own work: its preset, or its own name for a shell one. */
  readonly make: string;
}

/** The presets that can review with no `review_args:`, for messages. */
export function reviewingPresets(): readonly PresetName[] {
  return PRESET_NAMES.filter((preset) => reviewModeOf(preset) !== undefined);
}

/** The preset behind an agent name as written (a preset itself, an `agents:` entry's, or the one its command has). */
export function presetNameOf(written: WrittenConfig, agent: string): PresetName {
  if (isPreset(agent)) return agent;
  const entry = written.agents?.[agent];
  return entry?.preset ?? presetForCommand(entry?.command ?? '');
}

/** An agent can review when its `agents:` entry gives `review_args:` or its preset has a review mode. */
export function canReview(written: WrittenConfig, agent: string): boolean {
  return written.agents?.[agent]?.review_args !== undefined || reviewModeOf(presetNameOf(written, agent)) !== undefined;
}

/** czar knows nothing of a shell or custom entry's program: each counts as a make of its own. */
function makeOf(written: WrittenConfig, agent: string): AgentMake {
  const preset = presetNameOf(written, agent);
  return { name: agent, make: (preset === 'shell' || preset === 'custom') && !isPreset(agent) ? agent : preset };
}

/** The review that applies to a worker: its own fields over the fleet's; undefined when off or absent. */
export function writtenReviewOf(written: WrittenConfig, worker: WrittenWorker): WrittenReview | undefined {
  if (worker.review === 'off') return undefined;
  const fleet = written.review === 'off' ? undefined : written.review;
  if (worker.review === undefined) return fleet;
  return { ...fleet, ...worker.review };
}

/** The agents the config puts to work or defines, in the order it names them. */
function configuredAgents(written: WrittenConfig): AgentMake[] {
  const names = [
    written.agent ?? DEFAULT_AGENT,
    ...written.workers.map((worker) => worker.agent ?? written.agent ?? DEFAULT_AGENT),
    ...Object.keys(written.agents ?? {}),
  ];
  return [...new Set(names)].map((name) => makeOf(written, name));
}

/**
 * The reviewer a worker gets when its review names none: an agent of another make than the worker's, so a model does
 * not grade its own work; else the worker's own agent; undefined when no configured agent can review.
 */
export function defaultReviewer(
  written: WrittenConfig,
  worker: WrittenWorker,
): { readonly agent: string; readonly why: string } | undefined {
  const own = makeOf(written, worker.agent ?? written.agent ?? DEFAULT_AGENT);
  const other = configuredAgents(written).find((agent) => agent.make !== own.make && canReview(written, agent.name));
  if (other !== undefined)
    return {
      agent: other.name,
      why: `${other.name} reviews ${worker.name} (${own.name}): an agent of another make, so no model grades its own work`,
    };
  if (canReview(written, own.name))
    return {
      agent: own.name,
      why: `${own.name} reviews ${worker.name}: its own agent, the only make configured that can review`,
    };
  return undefined;
}

/** The resolved review of a worker (the rules made sure its reviewer exists and can review). */
export function resolveReview(
  written: WrittenConfig,
  worker: WrittenWorker,
  agentFor: (name: string) => AgentCommand,
  roles: ReadonlyMap<string, string>,
): ReviewSpec | undefined {
  const review = writtenReviewOf(written, worker);
  if (review === undefined) return undefined;
  const picked =
    review.agent === undefined
      ? defaultReviewer(written, worker)
      : { agent: review.agent, why: `${review.agent} reviews ${worker.name}: named in review.agent` };
  if (picked === undefined) return undefined;
  return {
    agent: agentFor(picked.agent),
    roleText: review.role === undefined ? undefined : roles.get(review.role),
    maxRounds: review.max_rounds ?? REVIEW_DEFAULTS.maxRounds,
    timeoutMs:
      review.timeout === undefined
        ? REVIEW_DEFAULTS.timeoutMs
        : (parseDuration(review.timeout) ?? REVIEW_DEFAULTS.timeoutMs),
    why: picked.why,
  };
}
