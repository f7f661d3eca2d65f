import { taskDelivered } from '../../domain/usage/usage.js';
import type { EffectHooks } from './executor.js';
import type { ModelStore } from '../sources/model-store.js';

/**
 * What the executor's effects on a worker tell the model: a task pasted, an action that failed, a task handed to
 * another agent, a task's words written as pasted. Each is an observation in the store, and a change `decide()` must
 * answer at once asks for a pass (`look`).
 */
export function effectObservations(
  store: ModelStore,
  look: () => void,
): Pick<EffectHooks, 'delivered' | 'failed' | 'handedOver' | 'written'> {
  return {
    // The agent may write usage for the task before czar confirms the paste: the task is its from the paste.
    delivered: (worker, at, taskId, pastedAt) =>
      store.update(worker, (model) => ({
        ...model,
        deliveredAt: model.deliveredAt ?? at,
        memory: taskDelivered(model.memory, taskId, pastedAt),
      })),
    failed: (worker, message) => {
      store.update(worker, (model) => ({ ...model, undelivered: message }));
      look();
    },
    handedOver: (worker, spec) => {
      store.update(worker, (model) => ({ ...model, spec }));
      look();
    },
    written: (worker, taskId, text) =>
      store.update(worker, (model) => ({
        ...model,
        memory: {
          ...model.memory,
          tasks: model.memory.tasks.map((task) => (task.id === taskId ? { ...task, text } : task)),
        },
      })),
  };
}
