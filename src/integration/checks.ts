import path from 'node:path';
import { runCheck } from '../adapters/checks.js';
import type { RunChecks } from './runner.js';

/**
 * The integration checks, through the project's one check runner, in order: the first failure decides, so the
 * later ones are not run on a result that is undone anyway. Logs go beside the integration worktree, one per merge.
 */
export const runIntegrationChecks: RunChecks = async (checks, cwd, logDir, runFile) => {
  const outcomes = [];
  const logFile = path.join(logDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  for (const check of checks) {
    const result = await runCheck({ name: check.name, run: check.run, cwd, timeoutMs: check.timeoutMs, logFile, runFile });
    outcomes.push(result);
    if (!result.ok) break;
  }
  return outcomes;
};
