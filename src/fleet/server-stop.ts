import { stopFleetDoor } from '../adapters/fleet-door.js';
import { awaitExit } from '../adapters/process.js';
import { CZAR_SESSION } from '../domain/model/paths.js';
import type { Fleet } from './handle.js';
import { liveCzarPid } from './requests.js';

/** Longer than the czar's own bound on stopping (10 s after a signal), so a czar is killed only when stuck. */
const CZAR_STOP_GRACE_MS = 15_000;

/**
 * Stops the fleet's tmux server, its czar first: hung up in its own session, the czar writes its last status and
 * exits while the agents still run, so it never takes their end for crashes (nor plans their restarts). A czar
 * outside the server stops once it finds the server gone. Then the boxed workers' network door stops. Nothing the
 * czar or the door writes lands after this returns.
 */
export async function stopFleetServer(fleet: Fleet): Promise<void> {
  const czarPid = await liveCzarPid(fleet.paths);
  const inServer =
    czarPid !== undefined &&
    (await fleet.tmux.listPanes()).some((pane) => pane.session === CZAR_SESSION && pane.pid === czarPid);
  if (inServer) {
    await fleet.tmux.killSession(CZAR_SESSION);
    await awaitExit(czarPid, CZAR_STOP_GRACE_MS);
  }
  await fleet.tmux.killServer();
  if (czarPid !== undefined && !inServer) await awaitExit(czarPid, CZAR_STOP_GRACE_MS);
  // After the czar, which would start it again: the boxed workers' network door, with its last sign-in rounds.
  await stopFleetDoor(fleet.paths.root);
}
