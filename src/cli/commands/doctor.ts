import { ghLoggedIn } from '../../adapters/gh.js';
import { gitVersion } from '../../adapters/git.js';
import { parseTmuxVersion, Tmux } from '../../adapters/tmux.js';
import { which } from '../../adapters/which.js';
import { isCzarError } from '../../domain/errors.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';

interface Check {
  readonly ok: boolean;
  readonly line: string;
}

/** Checks what a launch needs, prints one line per check with the fix for each failure, exits 1 if any failed. */
export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check tmux (>= 3.2), git (>= 2.38), node, the config and each agent\'s command',
  usage: 'czar doctor [-c czar.yaml]',
  async run(args) {
    const { values } = parse(this, args, CONFIG_OPTION, false);
    const checks: Check[] = [await checkTmux(), await checkGit(), checkNode()];
    try {
      const fleet = await fleetFrom(values.config);
      checks.push({ ok: true, line: `config ${fleet.config.file}: ${fleet.config.workers.length} worker(s), base "${fleet.config.base}"` });
      const agents = new Map(fleet.config.workers.map((worker) => [worker.agent.name, worker.agent]));
      for (const agent of agents.values()) {
        const found = await which(agent.command, fleet.config.repo);
        checks.push(
          found === undefined
            ? { ok: false, line: `agent "${agent.name}": command "${agent.command}" not found on PATH; install it or set agents.${agent.name}.command in ${fleet.config.file}` }
            : { ok: true, line: `agent "${agent.name}": ${found}` },
        );
      }
      if (fleet.config.pr.when !== 'off') checks.push(await checkGh(fleet.config.repo, fleet.config.file));
    } catch (error) {
      if (!isCzarError(error)) throw error;
      checks.push({ ok: false, line: error.message });
      for (const detail of error.details) checks.push({ ok: false, line: `  ${detail}` });
    }
    for (const check of checks) out(`${check.ok ? '✓' : '✗'} ${check.line}`);
    return checks.every((check) => check.ok) ? 0 : 1;
  },
};

/** pr: needs gh on PATH and logged in; czar never logs in for the person. */
async function checkGh(repo: string, configFile: string): Promise<Check> {
  const found = await which('gh', repo);
  if (found === undefined) return { ok: false, line: `gh (GitHub CLI) not found on PATH, and pr.when in ${configFile} needs it; install it (https://cli.github.com) or set pr: { when: off }` };
  if (!(await ghLoggedIn())) return { ok: false, line: 'gh is not logged in ("gh auth status" fails); run "gh auth login", then czar doctor again' };
  return { ok: true, line: `gh ${found}: logged in` };
}

async function checkTmux(): Promise<Check> {
  try {
    const text = await Tmux.version();
    const version = parseTmuxVersion(text);
    const ok = version !== undefined && (version[0] > 3 || (version[0] === 3 && version[1] >= 2));
    return { ok, line: ok ? text : `${text} is too old; czar needs tmux 3.2 or newer (apt-get install tmux, or build a newer one)` };
  } catch {
    return { ok: false, line: 'tmux is not installed; install it (apt-get install tmux, brew install tmux)' };
  }
}

async function checkGit(): Promise<Check> {
  try {
    const text = await gitVersion();
    const match = /(\d+)\.(\d+)/.exec(text);
    const ok = match !== null && (Number(match[1]) > 2 || (Number(match[1]) === 2 && Number(match[2]) >= 38));
    return { ok, line: ok ? text : `${text} is too old; czar needs git 2.38 or newer (for merge-tree --write-tree)` };
  } catch {
    return { ok: false, line: 'git is not installed; install it (apt-get install git)' };
  }
}

function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 11);
  return { ok, line: ok ? `node ${process.versions.node}` : `node ${process.versions.node} is too old; czar needs Node 20.11 or newer` };
}
