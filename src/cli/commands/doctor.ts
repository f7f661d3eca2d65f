import { reviewerNotes } from '../../domain/text/review-text.js';
import path from 'node:path';
import { findBoxEngine, landlockListed } from '../../adapters/box-engine.js';
import { boxLines, doorBoxVerdict } from '../../domain/model/box.js';
import { placeKind } from '../../domain/model/place-kind.js';
import type { WorkerSpec } from '../../domain/model/config-types.js';
import { ghLoggedIn } from '../../adapters/gh.js';
import { agentKind, presetOf } from '../../agents/index.js';
import { gitVersion } from '../../adapters/git.js';
import { Tmux } from '../../adapters/tmux.js';
import { lookUpCommand } from '../../adapters/which.js';
import { CZAR_ENV_NOTE } from '../../domain/model/agent-env.js';
import { isCzarError } from '../../domain/model/errors.js';
import type { Fleet } from '../../fleet/handle.js';
import { agentSettingsProblem } from '../../launch/agent-pane.js';
import { gatherFacts } from '../../launch/launch-facts.js';
import { planLaunch } from '../../launch/plan.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';
import { agentVersionCheck, installHint } from './doctor-agents.js';
import { judgeGit, judgeTmux, type Check } from './doctor-checks.js';
import { checkHosts } from './doctor-hosts.js';

/**
 * Checks what a launch needs, prints one line per check with the fix for each failure. Exits as `czar up` would:
 * 2 for a config error, 1 for any other failure; the launch plan is the one `up --dry-run` shows.
 */
export const doctorCommand: Command = {
  name: 'doctor',
  forWorkers: true,
  summary: "check tmux (>= 3.2), git (>= 2.38), node, the config, each agent's command, notify: and the launch plan",
  usage: 'czar doctor [-c czar.yaml]',
  async run(args) {
    const { values } = parse(this, args, CONFIG_OPTION, 0);
    const checks: Check[] = [await checkTmux(), await checkGit(), checkNode()];
    let exitCode = 0;
    try {
      checks.push(...(await fleetChecks(await fleetFrom(this, values.config))));
    } catch (error) {
      if (!isCzarError(error)) throw error;
      exitCode = error.exitCode;
      // A config error's message is its first detail: print each problem once.
      for (const line of error.details.length === 0 ? [error.message] : error.details) checks.push({ ok: false, line });
    }
    for (const check of checks) out(`${check.ok ? '✓' : '✗'} ${check.line}`);
    if (exitCode !== 0) return exitCode;
    return checks.every((check) => check.ok) ? 0 : 1;
  },
};

async function fleetChecks(fleet: Fleet): Promise<Check[]> {
  const { config } = fleet;
  const checks: Check[] = [
    { ok: true, line: `config ${config.file}: ${config.workers.length} worker(s), base "${config.base}"` },
  ];
  const agents = new Map(config.workers.map((worker) => [worker.agent.name, worker.agent]));
  for (const agent of agents.values()) {
    const kind = agentKind(agent);
    const found = await commandCheck(
      `agent "${agent.name}"${kind === undefined ? '' : ` (${kind})`}`,
      agent.command,
      config.repo,
      `agents.${agent.name}.command in ${config.file}`,
      installHint(agent),
    );
    checks.push(found.check);
    const version = found.path === undefined ? undefined : await agentVersionCheck(agent, found.path, config.repo);
    if (version !== undefined) checks.push(version);
    const worker = config.workers.find((candidate) => candidate.agent.name === agent.name);
    const problem = worker === undefined ? undefined : await agentSettingsProblem(fleet, worker);
    if (problem !== undefined)
      checks.push({
        ok: !problem.blocking,
        line: `agent "${agent.name}": ${problem.blocking ? '' : 'warning: '}${problem.message}`,
      });
  }
  for (const line of reviewerNotes(config.workers)) checks.push({ ok: true, line });
  const stateDirCheck = checkStateDir(fleet);
  if (stateDirCheck !== undefined) checks.push(stateDirCheck);
  checks.push(...(await checkHosts(config)));
  checks.push(...(await checkBoxes(config.workers)));
  if (config.notify !== undefined)
    checks.push(
      (
        await commandCheck(
          'notify',
          config.notify.command,
          path.dirname(config.file),
          `notify.command in ${config.file}`,
        )
      ).check,
    );
  const plan = planLaunch(config, await gatherFacts(fleet));
  if (plan.problems.length === 0)
    checks.push({ ok: true, line: `launch plan: ${plan.workers.length} worker(s) ready to launch; ${CZAR_ENV_NOTE}` });
  for (const problem of plan.problems) checks.push({ ok: false, line: `launch plan: ${problem}` });
  if (config.pr.when !== 'off') checks.push(await checkGh(config.repo, config.file));
  return checks;
}

/** Per worker with a sandbox: what its box allows, or why it has none (a refusal fails, as `up` would refuse). */
async function checkBoxes(all: readonly WorkerSpec[]): Promise<Check[]> {
  // A host worker's box is its host's engine's: `checkHosts` says per host.
  const workers = all.filter((worker) => placeKind(worker) === 'box');
  if (workers.length === 0) return [];
  const engine = await findBoxEngine();
  const refused = new Set(
    workers.filter((worker) => doorBoxVerdict(worker, engine).kind === 'refused').map((worker) => worker.name),
  );
  const landlock = (await landlockListed())
    ? 'listed by the kernel (not used: the box has no network at all)'
    : 'not listed by the kernel (not needed)';
  return [
    ...boxLines(workers, engine, (worker) => presetOf(worker.agent).noApproval).map((line) => ({
      ok: ![...refused].some((name) => line.startsWith(`${name}:`)),
      line: `sandbox: ${line}`,
    })),
    { ok: true, line: `sandbox: Landlock ${landlock}` },
  ];
}

/** `up` keeps the state dir out of git's view (info/exclude), which is just what `git clean -x` removes. */
function checkStateDir(fleet: Fleet): Check | undefined {
  const relative = path.relative(fleet.config.repo, fleet.paths.root);
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return {
    ok: true,
    line: `state dir ${fleet.paths.root}: warning: "git clean -fdx" (or -X) in ${fleet.config.repo} deletes it with the fleet's launch records, as git ignores it; clean with "git clean -fd", which keeps ignored files. Should it be lost, "czar up" adopts the running agents and does not paste their tasks again.`,
  };
}

/** Whether a command runs, and its path when it does; `install` is how to get it, when czar knows. */
async function commandCheck(
  label: string,
  command: string,
  cwd: string,
  setting: string,
  install?: string,
): Promise<{ check: Check; path?: string }> {
  const found = await lookUpCommand(command, cwd);
  if (found.ok) return { check: { ok: true, line: `${label}: ${found.path}` }, path: found.path };
  const problem = {
    not_on_path: `command "${command}" is not on PATH; install it${install === undefined ? '' : ` (${install})`}, or set ${setting}.`,
    missing: `${found.path} does not exist; create it, or fix ${setting}.`,
    folder: `${found.path} is a folder, not a program; fix ${setting}.`,
    not_executable: `${found.path} is not executable; run chmod +x ${found.path}, or set ${setting}.`,
  }[found.problem];
  return { check: { ok: false, line: `${label}: ${problem}` } };
}

/** pr: needs gh on PATH and logged in; czar never logs in for the person. */
async function checkGh(repo: string, configFile: string): Promise<Check> {
  const found = await lookUpCommand('gh', repo);
  if (!found.ok)
    return {
      ok: false,
      line: `gh (GitHub CLI) not found on PATH, and pr.when in ${configFile} needs it; install it (https://cli.github.com) or set pr: { when: off }`,
    };
  if (!(await ghLoggedIn()))
    return {
      ok: false,
      line: 'gh is not logged in ("gh auth status" fails); run "gh auth login", then czar doctor again',
    };
  return { ok: true, line: `gh ${found.path}: logged in` };
}

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
  return {
    ok,
    line: ok
      ? `node ${process.versions.node}`
      : `node ${process.versions.node} is too old; czar needs Node 20.11 or newer`,
  };
}
