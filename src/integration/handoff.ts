import { reviewLine } from '../domain/text/review-text.js';
import { ownDiffStat } from '../adapters/branch-activity.js';
import { commitSubjects } from '../adapters/integration-git.js';
import { readEventsFrom, readJson, writeAtomic } from '../adapters/state-files.js';
import { CzarError } from '../domain/model/errors.js';
import { renderHandoff } from '../domain/text/handoff-text.js';
import type { HandoffFacts, WorkerHandoff, FleetStatus } from '../domain/status/status-schema.js';
import {
  candidatesFromStatus,
  failureSummary,
  planIntegration,
  emptyRecord,
} from '../domain/policy/integration-plan.js';
import { EMPTY_TALLY, sprintMetrics, tallyEvents } from '../domain/status/metrics.js';
import type { Fleet } from '../fleet/handle.js';
import { readPullRequests } from './pull-requests.js';
import { childOutcomes } from './handoff-children.js';
import { candidatesWithTips, readIntegrationRecord } from './candidates.js';

/** `.czar/HANDOFF.md`. */
export function handoffFile(fleet: Fleet): string {
  return fleet.paths.handoff;
}

/** Everything the handoff says, from status.json, the event log, git and the integration record. */
export async function gatherHandoff(fleet: Fleet, now = Date.now()): Promise<HandoffFacts> {
  const { config } = fleet;
  const status = await readJson<FleetStatus>(fleet.paths.status);
  if (status === undefined)
    throw new CzarError(
      'no_status',
      `There is no ${fleet.paths.status} yet, so there is nothing to hand off; start the fleet with "czar up".`,
    );
  const { events } = readEventsFrom(fleet.paths, 0);
  const record =
    (await readIntegrationRecord(fleet)) ??
    emptyRecord(config.integration.branch, config.base, new Date(now).toISOString());
  const candidates = await candidatesWithTips(fleet, candidatesFromStatus(config.workers, status));
  const plan = planIntegration(candidates, record);
  const prs = await readPullRequests(fleet);
  const children = await childOutcomes(fleet, status);

  const workers: WorkerHandoff[] = await Promise.all(
    config.workers.map(async (spec): Promise<WorkerHandoff> => {
      const worker = status.workers.find((candidate) => candidate.name === spec.name);
      const candidate = candidates.find((entry) => entry.worker === spec.name);
      const failed = record.failed.find((entry) => entry.worker === spec.name);
      // A child is not integrated on its own: it is finished once its parent's branch holds it.
      const mergedIntoParent = children
        .get(spec.parent ?? '')
        ?.some((c) => c.name === spec.name && c.outcome === 'merged');
      const checks = [
        ...(candidate?.merged === true ? [`integration checks green on ${config.integration.branch}`] : []),
        ...(failed !== undefined && candidate?.merged !== true
          ? [`integration: ${failureSummary(failed.failure)}`]
          : []),
        ...(worker?.review === undefined ? [] : [reviewLine(worker.review)]),
      ];
      return {
        name: spec.name,
        task: spec.title,
        state: worker?.state ?? 'queued',
        verified: candidate?.ready === true || candidate?.merged === true || mergedIntoParent === true,
        branch: spec.branch,
        commits: await commitSubjects(config.repo, config.base, spec.branch),
        files: await ownDiffStat(config.repo, config.base, spec.branch).catch(() => []),
        checks,
        resultFile: worker?.resultFile,
        alerts: worker?.alerts ?? [],
        restarts: worker?.restarts ?? 0,
        ...(worker?.checkpoints === undefined ? {} : { checkpoints: worker.checkpoints }),
        integrated: candidate?.merged === true,
        pr: prs.branches[spec.branch],
        ...(children.has(spec.name) ? { children: [...(children.get(spec.name) ?? [])] } : {}),
      };
    }),
  );

  return {
    project: config.project,
    base: config.base,
    startedAt: status.startedAt,
    writtenAt: new Date(now).toISOString(),
    sprintOver: status.sprintOver,
    workers,
    integration: {
      branch: config.integration.branch,
      tip: record.tip,
      holds: plan.flatMap((step) => (step.kind === 'merged' ? [step.worker] : [])),
      leftOut: plan.flatMap((step) =>
        step.kind === 'left_out'
          ? [{ worker: step.worker, reason: step.reason }]
          : step.kind === 'merge'
            ? [{ worker: step.worker, reason: 'finished; not merged yet (run "czar integrate")' }]
            : [],
      ),
      conflicts: record.failed.flatMap((entry) =>
        entry.failure.kind === 'conflict' && !candidates.some((c) => c.worker === entry.worker && c.merged)
          ? [{ worker: entry.worker, files: entry.failure.files }]
          : [],
      ),
      baseConflict: record.baseConflict?.files,
      baseAdvanced: record.advancedBase !== undefined && record.advancedBase.to === record.tip,
      pr: prs.branches[config.integration.branch],
    },
    metrics: sprintMetrics(status, tallyEvents(EMPTY_TALLY, events), now),
    ...(status.agents === undefined ? {} : { agents: status.agents }),
  };
}

/** Writes `.czar/HANDOFF.md`; returns its path and the facts it says. */
export async function writeHandoff(fleet: Fleet): Promise<{ file: string; facts: HandoffFacts }> {
  const file = handoffFile(fleet);
  const facts = await gatherHandoff(fleet);
  await writeAtomic(file, renderHandoff(facts));
  return { file, facts };
}
