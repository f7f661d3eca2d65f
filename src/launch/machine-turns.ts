import type { WorkerPlan } from './plan.js';

/**
 * The launch order that takes the machines in turn: each machine's first worker, then each one's second, and so on,
 * keeping the config's order on each. A launch slot is held until the agent is ready, so in the config's order the
 * first host's workers took every slot while the second host's ssh link sat idle.
 */
export function machinesInTurn(steps: readonly WorkerPlan[]): WorkerPlan[] {
  const byMachine = new Map<string, WorkerPlan[]>();
  for (const step of steps) {
    const machine = step.worker.host ?? '';
    const queue = byMachine.get(machine) ?? [];
    queue.push(step);
    byMachine.set(machine, queue);
  }
  const queues = [...byMachine.values()];
  const longest = Math.max(0, ...queues.map((queue) => queue.length));
  return Array.from({ length: longest }, (_, turn) => queues.flatMap((queue) => queue[turn] ?? [])).flat();
}
