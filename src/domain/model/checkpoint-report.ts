import { markDone } from './checkpoints.js';
import type { WorkerModel } from './model.js';
import type { ReportObservation } from './observations.js';

/**
 * The worker with its report's checkpoint marked done on its current task. A report from before that task, or
 * naming a checkpoint the task does not have at that number (the task changed under it), changes nothing.
 */
export function recordCheckpoint(worker: WorkerModel, report: ReportObservation): WorkerModel {
  const reported = report.checkpoint;
  const task = worker.memory.tasks.at(-1);
  const items = task?.checkpoints;
  if (reported === undefined || task === undefined || items === undefined || report.at < task.at) return worker;
  if (items[reported.number - 1]?.text !== reported.text) return worker;
  const tasks = [
    ...worker.memory.tasks.slice(0, -1),
    { ...task, checkpoints: markDone(items, reported.number, report.at, reported.commit) },
  ];
  return { ...worker, memory: { ...worker.memory, tasks } };
}
