import { PRESET_NAMES, type PresetName } from '../domain/model/config-types.js';
import { czarBinFile } from './bin-files.js';

/** The command line a built-in preset runs when the config does not override it. */
export interface PresetDefaults {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

const simAgent = czarBinFile('czar-sim-agent.js');

/** Default command lines of the built-in presets; data only (the presets' behaviour lives beside it). */
export const PRESET_DEFAULTS: Readonly<Record<PresetName, PresetDefaults>> = {
  claude: { command: 'claude', args: [], env: {} },
  // Measured with 0.169: without --no-daemon the TUI leaves an app-server daemon running after it exits.
  codex: { command: 'codex', args: ['--no-daemon'], env: {} },
  gemini: { command: 'gemini', args: [], env: {} },
  qwen: { command: 'qwen', args: [], env: {} },
  pi: { command: 'pi', args: [], env: {} },
  opencode: { command: 'opencode', args: [], env: {} },
  copilot: { command: 'copilot', args: [], env: {} },
  kilo: { command: 'kilo', args: [], env: {} },
  auggie: { command: 'auggie', args: [], env: {} },
  aider: { command: 'aider', args: [], env: {} },
  shell: { command: 'bash', args: [], env: {} },
  // A program of the person's own: its agents: entry names the command.
  custom: { command: '', args: [], env: {} },
  // The simulated agent runs under the same node as czar, so it works without anything on PATH.
  sim: { command: process.execPath, args: [simAgent], env: {} },
};

/** The presets that run with no `agents:` entry: all but `custom`, which has no program of its own. */
export const BUILT_IN_AGENTS: readonly PresetName[] = PRESET_NAMES.filter(
  (name) => PRESET_DEFAULTS[name].command !== '',
);
