/** A process as its parent chain shows it: its parent, and the session it belongs to (a tmux pane's process leads one). */
export interface ProcessLink {
  readonly pid: number;
  readonly ppid: number;
  readonly session: number;
}

/** What marks a fleet's own processes: its workers' pane processes and the czar, and its workers' folders. */
export interface FleetMarks {
  readonly pids: ReadonlySet<number>;
  /** Absolute, links resolved. */
  readonly folders: readonly string[];
}

/**
 * Whether a process (`lineage`, itself first) runs inside the fleet, whatever its environment says: one of its
 * ancestors is a worker's pane process or the czar, or it belongs to the session of one (a child left behind by a
 * shell that exited keeps its session), or it runs in a worker's folder. Being such a process itself does not count:
 * the czar runs in its own pane.
 */
export function runsInFleet(lineage: readonly ProcessLink[], folder: string | undefined, marks: FleetMarks): boolean {
  const self = lineage[0]?.pid;
  const kin = [...lineage.slice(1).map((link) => link.pid), ...lineage.map((link) => link.session)];
  if (kin.some((pid) => pid !== self && marks.pids.has(pid))) return true;
  return folder !== undefined && marks.folders.some((root) => folder === root || folder.startsWith(`${root}/`));
}
