import path from 'node:path';
import { PRESET_DEFAULTS } from '../agents/defaults.js';
import { CzarError } from '../domain/errors.js';
import { isPreset, PRESET_NAMES, type AgentCommand } from '../domain/config-types.js';
import type { WrittenAgent } from './schema.js';

/** A command with a slash is a path and means the same from every worktree: resolve it against the config's folder. */
export function resolveCommand(command: string, configDir: string): string {
  return command.includes('/') && !path.isAbsolute(command) ? path.resolve(configDir, command) : command;
}

/** Built-in presets, each overridden field by field by an `agents:` entry of the same name, plus new agents. */
export function resolveAgents(
  written: Readonly<Record<string, WrittenAgent>> | undefined,
  configDir: string,
): Record<string, AgentCommand> {
  const agents: Record<string, AgentCommand> = {};
  for (const preset of PRESET_NAMES) agents[preset] = { name: preset, preset, ...PRESET_DEFAULTS[preset] };
  for (const [name, entry] of Object.entries(written ?? {})) {
    const preset = isPreset(name) ? name : (entry.preset ?? 'shell');
    const base = isPreset(name) ? PRESET_DEFAULTS[name] : { command: '', args: [], env: {} };
    const command = entry.command === undefined ? base.command : resolveCommand(entry.command, configDir);
    if (command === '')
      throw new CzarError('config_invalid', `agents.${name} has no command; add e.g. command: ./bin/${name}.`);
    agents[name] = { name, preset, command, args: entry.args ?? base.args, env: entry.env ?? base.env };
  }
  return agents;
}
