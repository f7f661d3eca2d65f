import type { AgentCommand, PresetName } from '../domain/model/config-types.js';
import { withScreen } from './custom-agent.js';
import { customReview } from './custom-review.js';
import type { AgentPreset } from './preset.js';
import type { ReviewMode } from './review-call.js';
import type { AgentTranscripts, TranscriptContext } from './transcripts.js';
import { aiderPreset } from './aider/preset.js';
import { claudePreset } from './claude/preset.js';
import { codexPreset } from './codex/preset.js';
import { copilotPreset } from './copilot/preset.js';
import { customPreset } from './custom/preset.js';
import { geminiPreset } from './gemini/preset.js';
import { kiloPreset } from './kilo/preset.js';
import { auggiePreset } from './auggie/preset.js';
import { opencodePreset } from './opencode/preset.js';
import { piPreset } from './pi/preset.js';
import { qwenPreset } from './qwen/preset.js';
import { shellPreset } from './shell/preset.js';
import { simPreset } from './sim/preset.js';

/** Every built-in preset by name. */
export const PRESETS: Readonly<Record<PresetName, AgentPreset>> = {
  claude: claudePreset,
  codex: codexPreset,
  gemini: geminiPreset,
  qwen: qwenPreset,
  pi: piPreset,
  opencode: opencodePreset,
  copilot: copilotPreset,
  kilo: kiloPreset,
  auggie: auggiePreset,
  aider: aiderPreset,
  shell: shellPreset,
  custom: customPreset,
  sim: simPreset,
};

export function presetFor(name: PresetName): AgentPreset {
  return PRESETS[name];
}

const ofAgent = new WeakMap<AgentCommand, AgentPreset>();

/** How czar drives this agent: its preset, with what czar.yaml says about its screens in place of the preset's. */
export function presetOf(agent: AgentCommand): AgentPreset {
  const known = ofAgent.get(agent);
  if (known !== undefined) return known;
  const preset = withScreen(PRESETS[agent.preset], agent.screen);
  ofAgent.set(agent, preset);
  return preset;
}

/** A worker's agent's transcripts, or undefined for one that keeps none czar reads: its usage is unknown, never zero. */
export function agentTranscripts(name: PresetName, context: TranscriptContext): AgentTranscripts | undefined {
  return presetFor(name).transcripts?.(context);
}

/** How a preset reviews, or undefined when that agent cannot review (a plain shell, Aider). */
export function reviewModeOf(name: PresetName): ReviewMode | undefined {
  return presetFor(name).review;
}

/** How this agent reviews: czar.yaml's `review_args:` win over its preset's own mode, as a person's word should. */
export function agentReviewMode(agent: Pick<AgentCommand, 'preset' | 'reviewArgs'>): ReviewMode | undefined {
  return agent.reviewArgs === undefined ? reviewModeOf(agent.preset) : customReview;
}

/**
 * What czar takes a worker's agent to be, where its name does not say (a program of the person's own, a shell):
 * whether it gets czar's messages or only its own task. Undefined for a named preset.
 */
export function agentKind(agent: AgentCommand): string | undefined {
  if (presetOf(agent).plainTask === true) return "a plain shell: gets only its own task, none of czar's messages";
  if (agent.preset === 'custom') return "a custom agent: gets czar's messages, ready when its screen keeps still";
  return undefined;
}
