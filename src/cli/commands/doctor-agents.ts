import { run } from '../../adapters/process.js';
import { presetOf } from '../../agents/index.js';
import type { AgentCommand } from '../../domain/model/config-types.js';
import { visible } from '../../domain/model/sanitize.js';
import type { Check } from './doctor-checks.js';

/** Long enough for a first start that unpacks a native binary (GitHub Copilot CLI: 235 MB, measured). */
const VERSION_TIMEOUT_MS = 60_000;

/**
 * What doctor says of an installed agent whose preset knows where it comes from: the version `--version` prints and
 * what it needs to sign in. The program is the person's, so its words are shown as text, one line, bounded.
 */
export async function agentVersionCheck(agent: AgentCommand, found: string, cwd: string): Promise<Check | undefined> {
  const install = presetOf(agent).install;
  if (install === undefined) return undefined;
  const result = await run(found, ['--version'], {
    cwd,
    env: { ...process.env, ...agent.env },
    allowFailure: true,
    timeoutMs: VERSION_TIMEOUT_MS,
  }).catch(() => undefined);
  const version = visible((result?.stdout ?? '').trim().split('\n')[0] ?? '').slice(0, 120);
  const checked = install.npm.slice(install.npm.lastIndexOf('@') + 1);
  const said = result?.exitCode === 0 && version !== '' ? `version "${version}"` : 'its version could not be read';
  return {
    ok: true,
    line: `agent "${agent.name}": ${said} (czar was checked with ${checked}); it needs ${install.signIn}`,
  };
}

/** The fix for an agent that is not installed, when its preset says where it comes from. */
export function installHint(agent: AgentCommand): string | undefined {
  const install = presetOf(agent).install;
  return install === undefined ? undefined : `npm install -g ${install.npm}`;
}
