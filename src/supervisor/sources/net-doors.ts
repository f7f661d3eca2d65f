import type { NetDoorObservation } from '../../domain/model/observations.js';
import type { ModelStore } from './model-store.js';

/**
 * Writes what a source saw of the network door `where` runs (undefined: none there) into the model, only when it
 * changed: this machine's door is seen by the box source, a host's by the host's stream.
 */
export function observeNetDoor(store: ModelStore, where: string, door: NetDoorObservation | undefined): void {
  const known = store.model.netDoors?.get(where);
  if (known?.up === door?.up && known?.worker === door?.worker) return;
  store.change((model) => {
    const doors = new Map(model.netDoors);
    if (door === undefined) doors.delete(where);
    else doors.set(where, door);
    return { ...model, netDoors: doors.size === 0 ? undefined : doors };
  });
}
