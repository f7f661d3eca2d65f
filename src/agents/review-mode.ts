import type { PresetName } from '../domain/config-types.js';
import { claudeReview } from './claude-review.js';
import { codexReview } from './codex-review.js';
import { geminiReview } from './gemini-review.js';
import type { ReviewMode } from './review-call.js';
import { simReviewMode } from './sim-review.js';

export type { ReviewCall, ReviewMode, ReviewOutput, ReviewRead, ReviewRun } from './review-call.js';

const MODES: Partial<Record<PresetName, ReviewMode>> = {
  claude: claudeReview,
  codex: codexReview,
  gemini: geminiReview,
  sim: simReviewMode,
};

/** The review mode of a preset, or undefined when that agent cannot review (a plain shell, Aider). */
export function reviewModeOf(preset: PresetName): ReviewMode | undefined {
  return MODES[preset];
}
