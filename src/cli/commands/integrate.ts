import { readJson } from '../../adapters/state-files.js';
import { candidatesFromStatus, failureSummary, type PlanStep } from '../../domain/policy/integration-plan.js';
import type { FleetStatus } from '../../domain/status/status-schema.js';
import { runIntegrationChecks } from '../../integration/run-checks.js';
import { integrationCheckBox } from '../../launch/check-box.js';
import { pullRequestsDue } from '../../domain/policy/pull-request.js';
import { openWorkerPullRequests, readPullRequests } from '../../integration/pull-requests.js';
import { candidatesWithTips } from '../../integration/candidates.js';
import { dryRun } from '../../integration/dry-run.js';
import { runIntegration } from '../../integration/runner.js';
import type { RunEvent } from '../../integration/run-results.js';
import { liveCzarPid } from '../../fleet/requests.js';
import { CONFIG_OPTION, parse, type Command } from '../command.js';
import { fleetFrom } from '../context.js';
import { out } from '../output.js';

/** `czar integrate`: the czar's integration run by hand, or with --dry-run the plan and the predicted conflicts. */
export const integrateCommand: Command = {
  name: 'integrate',
  summary:
    'merge finished branches into the integration branch now and run its checks (--dry-run: only say what it would do)',
  usage: 'czar integrate [-c czar.yaml] [--dry-run]',
  async run(args) {
    const { values } = parse(this, args, { ...CONFIG_OPTION, 'dry-run': { type: 'boolean' } }, 0);
    const fleet = await fleetFrom(this, values.config);
    const { config } = fleet;
    const candidates = async () =>
      candidatesFromStatus(config.workers, await readJson<FleetStatus>(fleet.paths.status));
    if (values['dry-run'] === true) {
      const plan = await dryRun(fleet, await candidates());
      out(
        `${config.integration.branch} ${plan.tip === undefined ? 'does not exist yet' : `at ${plan.tip.slice(0, 10)}`} (base ${config.base}); would do:`,
      );
      for (const step of plan.steps) out(stepLine(step, step.kind === 'merge' ? step.predictedConflicts : undefined));
      if (config.integration.checks.length > 0)
        out(`after each merge: ${config.integration.checks.map((check) => `${check.name} (${check.run})`).join(', ')}`);
      if (config.integration.advanceBase) out(`then fast-forward ${config.base} to the green tip if it has not moved`);
      return 0;
    }
    const result = await runIntegration(fleet, candidates, async (checks, cwd, logDir, runFile) =>
      runIntegrationChecks(checks, cwd, logDir, runFile, undefined, await integrationCheckBox(fleet, cwd)),
    );
    const status = await readJson<FleetStatus>(fleet.paths.status);
    const results = new Map(
      (status?.workers ?? []).flatMap((worker) =>
        worker.resultFile === undefined ? [] : [[worker.name, worker.resultFile] as const],
      ),
    );
    const known = (await readPullRequests(fleet)).branches;
    const due = pullRequestsDue(await candidatesWithTips(fleet, await candidates()), known, config.pr.when);
    await openWorkerPullRequests(fleet, due, results);
    for (const [branch, pr] of Object.entries((await readPullRequests(fleet)).branches))
      out(`pull request for ${branch}: ${pr.url} (${pr.state})`);
    for (const event of result.events) out(eventLine(event));
    if (result.events.length === 0) out('nothing new to integrate');
    out(`${config.integration.branch} at ${result.record.tip?.slice(0, 10) ?? '(none)'}:`);
    for (const step of result.plan) out(stepLine(step, undefined));
    if (result.events.some((event) => event.kind === 'undone')) {
      const czar = await liveCzarPid(fleet.paths);
      out(
        czar === undefined
          ? 'no czar is running to hand out the fix-ups; start it with "czar up", or tell each worker with "czar send"'
          : `the czar (pid ${czar}) hands each undone worker its fix-up`,
      );
    }
    return result.events.some((event) => event.kind === 'undone' || event.kind === 'base_conflict') ? 1 : 0;
  },
};

function stepLine(step: PlanStep, predicted: readonly string[] | undefined): string {
  const head = `  ${step.worker.padEnd(14)} ${step.branch.padEnd(24)}`;
  switch (step.kind) {
    case 'merge':
      return `${head} merge ${step.tip.slice(0, 10)}${predicted === undefined ? '' : predicted.length === 0 ? ', merges cleanly' : `, would conflict in ${predicted.join(', ')}`}`;
    case 'merged':
      return `${head} already integrated`;
    case 'left_out':
      return `${head} left out: ${step.reason}`;
  }
}

function eventLine(event: RunEvent): string {
  switch (event.kind) {
    case 'merged':
      return `merged ${event.worker} (${event.commit.slice(0, 10)}); checks green`;
    case 'undone':
      return `undid ${event.worker}: ${failureSummary(event.failure)}`;
    case 'base_merged':
      return `base moved; merged it in (${event.commit.slice(0, 10)})`;
    case 'base_conflict':
      return `base moved and does not integrate${event.files.length === 0 ? '' : ` (conflicts in ${event.files.join(', ')})`}; resolve it by hand`;
    case 'base_advanced':
      return `fast-forwarded base ${event.from.slice(0, 10)} -> ${event.to.slice(0, 10)}`;
    case 'base_not_advanced':
      return `base not advanced: ${event.reason}`;
  }
}
