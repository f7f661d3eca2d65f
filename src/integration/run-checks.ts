import path from 'node:path';
import { runCheck } from '../adapters/checks.js';
import { CzarError } from '../domain/model/errors.js';
import type { CheckSpec } from '../domain/model/config-types.js';
import type { CheckOutcome } from './run-results.js';

/**
 * The integration checks, through the project's one check runner, in order: the first failure decides, so the
 * later ones are not run on a result that is undone anyway. Logs go beside the integration worktree, one per merge.
 * Fits `RunChecks`; `signal` aborts the run when the czar stops; `box`, the engine's command line they run in.
 */
export async function runIntegrationChecks(
  checks: readonly CheckSpec[],
  cwd: string,
  logDir: string,
  runFile: string,
  signal?: AbortSignal,
  box?: readonly string[],
): Promise<CheckOutcome[]> {
  const outcomes = [];
  const logFile = path.join(logDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  for (const check of checks) {
    const result = await runCheck({
      name: check.name,
      run: check.run,
      cwd,
      timeoutMs: check.timeoutMs,
      logFile,
      runFile,
      signal,
      box,
    });
    // A check killed because the czar stops says nothing about the merge: no verdict, and the merge stays pending.
    if (signal?.aborted === true)
      throw new CzarError(
        'czar_stopping',
        `The czar stopped while the integration check "${check.name}" ran in ${cwd}; the next czar undoes that merge and checks it again.`,
      );
    outcomes.push(result);
    if (!result.ok) break;
  }
  return outcomes;
}
