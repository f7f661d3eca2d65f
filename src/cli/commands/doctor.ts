import { gitVersion } from '../../adapters/git.js';
import { Tmux } from '../../adapters/tmux.js';
import { which } from '../../adapters/which.js';
import { isCzarError } from '../../domain/errors.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';
import { judgeGit, judgeTmux, type Check } from './doctor-checks.js';
import { checkHosts } from './doctor-hosts.js';


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
      checks.push(...(await checkHosts(fleet.config)));
      for (const agent of agents.values()) {
        const found = await which(agent.command, fleet.config.repo);
        checks.push(
          found === undefined
            ? { ok: false, line: `agent "${agent.name}": command "${agent.command}" not found on PATH; install it or set agents.${agent.name}.command in ${fleet.config.file}` }
            : { ok: true, line: `agent "${agent.name}": ${found}` },
        );
      }
    } catch (error) {
      if (!isCzarError(error)) throw error;
      checks.push({ ok: false, line: error.message });
      for (const detail of error.details) checks.push({ ok: false, line: `  ${detail}` });
    }
    for (const check of checks) out(`${check.ok ? '✓' : '✗'} ${check.line}`);
    return checks.every((check) => check.ok) ? 0 : 1;
  },
};

async function checkTmux(): Promise<Check> {
  try {
    return judgeTmux(await Tmux.version());
  } catch {
    return { ok: false, line: 'tmux is not installed; install it (apt-get install tmux, brew install tmux)' };
  }
}

async function checkGit(): Promise<Check> {
  try {
    return judgeGit(await gitVersion());
  } catch {
    return { ok: false, line: 'git is not installed; install it (apt-get install git)' };
  }
}

function checkNode(): Check {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const ok = major > 20 || (major === 20 && minor >= 11);
  return { ok, line: ok ? `node ${process.versions.node}` : `node ${process.versions.node} is too old; czar needs Node 20.11 or newer` };
}
