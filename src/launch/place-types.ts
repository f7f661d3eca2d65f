import type { ReviewCall } from '../agents/review-call.js';
import type { AgentCommand, WorkerSpec } from '../domain/model/config-types.js';
import type { Fleet } from '../fleet/handle.js';
import type { WorkerPlan } from './plan.js';

/** The program a worker's pane runs: its agent's argv and environment, or the same wrapped by its place. */
export interface PaneProgram {
  readonly argv: string[];
  readonly env: Record<string, string>;
}

/**
 * Where a worker on this machine runs: a linked worktree of the repository, or a box around a repository of its own.
 * Each kind makes its folder, checks it is the worker's own, and says what its pane runs; above this seam nothing
 * asks which kind it has. (A worker on an SSH host is made there, by `start-on-host.ts`.)
 */
export interface LocalPlace {
  readonly kind: 'worktree' | 'box';
  /** Makes the worker's folder as its plan says; the index stamp of a folder git has just checked out, clean. */
  prepare(fleet: Fleet, step: WorkerPlan): Promise<string | undefined>;
  /** Throws a sentence saying what is wrong with the worker's folder and how to set it right. */
  verify(fleet: Fleet, worker: WorkerSpec): Promise<void>;
  /** What the pane runs for `agent` (the agent's argv and environment, its proof already saved). */
  program(fleet: Fleet, worker: WorkerSpec, agent: PaneProgram): Promise<PaneProgram>;
}

/**
 * What a worker's place runs on this machine, whatever its kind: its checks and its reviewer, in a checkout czar makes
 * here (a host worker's branch is fetched here first), boxed as its place says.
 */
export interface JudgingPlace {
  /** The engine's command line (ending with `--`) a check of the worker runs in, in `folder`; none: unboxed. */
  checkBox(fleet: Fleet, worker: WorkerSpec, folder: string): Promise<readonly string[] | undefined>;
  /** What wraps each call of the worker's reviewer (`agent`) in its box; none: it runs as it is. */
  reviewBox(fleet: Fleet, worker: WorkerSpec, agent: AgentCommand): Promise<Boxer | undefined>;
}

/** Wraps one review call in its box; `workDir` is the run's folder, the one it writes. */
export type Boxer = (call: ReviewCall, workDir: string) => Promise<ReviewCall>;
