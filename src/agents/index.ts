import type { PresetName } from '../domain/config-types.js';
import type { AgentPreset } from './preset.js';
import { aiderPreset } from './aider.js';
import { claudePreset } from './claude.js';
import { codexPreset } from './codex.js';
import { geminiPreset } from './gemini.js';
import { piPreset } from './pi.js';
import { qwenPreset } from './qwen.js';
import { shellPreset } from './shell.js';
import { simPreset } from './sim.js';

/** Every built-in preset by name. */
export const PRESETS: Readonly<Record<PresetName, AgentPreset>> = {
  claude: claudePreset,
  codex: codexPreset,
  gemini: geminiPreset,
  qwen: qwenPreset,
  pi: piPreset,
  aider: aiderPreset,
  shell: shellPreset,
  sim: simPreset,
};

export function presetFor(name: PresetName): AgentPreset {
  return PRESETS[name];
}
