import path from 'node:path';
import { BUILT_IN_AGENTS, PRESET_DEFAULTS } from '../agents/defaults.js';
import { presetFor } from '../agents/index.js';
import { presetForCommand } from '../agents/shell/shells.js';
import { CzarError } from '../domain/model/errors.js';
import { isPreset, type AgentCommand, type AgentScreen, type PresetName } from '../domain/model/config-types.js';
import { parseDuration } from './duration.js';
import type { WrittenAgent } from './schema.js';

/** A command with a slash is a path and means the same from every worktree: resolve it against the config's folder. */
export function resolveCommand(command: string, configDir: string): string {
  return command.includes('/') && !path.isAbsolute(command) ? path.resolve(configDir, command) : command;
}

/**
 * Built-in presets, each overridden field by field by an `agents:` entry of the same name, plus new agents: a new
 * one with no `preset:` is an agent that takes czar's messages (`custom`), or a plain shell when its command is one.
 */
export function resolveAgents(
  written: Readonly<Record<string, WrittenAgent>> | undefined,
  configDir: string,
): Record<string, AgentCommand> {
  const agents: Record<string, AgentCommand> = {};
  for (const preset of BUILT_IN_AGENTS)
    agents[preset] = { name: preset, preset, ...PRESET_DEFAULTS[preset], ...turnStarts(preset) };
  for (const [name, entry] of Object.entries(written ?? {})) {
    const base = isPreset(name) ? PRESET_DEFAULTS[name] : { command: '', args: [], env: {} };
    const command = entry.command === undefined ? base.command : resolveCommand(entry.command, configDir);
    if (command === '')
      throw new CzarError('config_invalid', `agents.${name} has no command; add e.g. command: ./bin/${name}.`);
    const preset = isPreset(name) ? name : (entry.preset ?? presetForCommand(command));
    const screen = screenOf(entry);
    agents[name] = {
      name,
      preset,
      command,
      args: entry.args ?? base.args,
      env: entry.env ?? base.env,
      ...(screen === undefined ? {} : { screen }),
      ...(entry.review_args === undefined ? {} : { reviewArgs: entry.review_args }),
      ...turnStarts(preset),
    };
  }
  return agents;
}

/** What of its preset's nature `decide()` needs, which cannot ask the presets. */
const turnStarts = (preset: PresetName): { reportsTurnStart?: true; plainTask?: true } => ({
  ...(presetFor(preset).reportsTurnStart ? { reportsTurnStart: true } : {}),
  ...(presetFor(preset).plainTask === true ? { plainTask: true } : {}),
});

/** What an `agents:` entry says about its screens, or undefined when it says nothing. */
function screenOf(entry: WrittenAgent): AgentScreen | undefined {
  const ms = (value: string | number | undefined): number | undefined =>
    value === undefined ? undefined : parseDuration(value);
  const screen: AgentScreen = Object.fromEntries(
    Object.entries({
      ready: entry.ready,
      busy: entry.busy,
      waiting: entry.waiting,
      dialogs: entry.dialogs,
      interrupt: entry.interrupt,
      submitDelayMs: ms(entry.submit_delay),
      readyTimeoutMs: ms(entry.ready_timeout),
    }).filter(([, value]) => value !== undefined),
  );
  return Object.keys(screen).length === 0 ? undefined : screen;
}
