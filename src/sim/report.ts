import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeReport } from '../adapters/report-files.js';
import { writeAtomic } from '../adapters/state-files.js';
import { statePaths, type StatePaths } from '../domain/model/paths.js';
import type { WorkerReport } from '../domain/model/report-schema.js';
import type { ApiFailure, ReportedState } from '../domain/model/words.js';

/** How the simulated agent tells czar what it is doing: the same report files a real agent's hooks write. */
export interface SimReporter {
  /** `turnEnd` marks the report a real agent's turn-end hook (Claude Code Stop, Gemini AfterAgent) would write. */
  report(
    state: ReportedState,
    details?: {
      progress?: number | undefined;
      note?: string | undefined;
      turnEnd?: boolean;
      failure?: ApiFailure | undefined;
    },
  ): Promise<void>;
  /** Writes `results/<worker>.md` and names it in the next report; returns the file's path. */
  writeResult(text: string): Promise<string>;
}

/**
 * A reporter for `CZAR_STATE_DIR` and `CZAR_WORKER`, or undefined when either is unset (a person running the sim
 * by hand): then the agent just does not report.
 */
export function reporterFromEnv(env: NodeJS.ProcessEnv): SimReporter | undefined {
  const root = env.CZAR_STATE_DIR;
  const worker = env.CZAR_WORKER;
  if (root === undefined || root === '' || worker === undefined || worker === '') return undefined;
  return createReporter(statePaths(root), worker);
}

function createReporter(paths: StatePaths, worker: string): SimReporter {
  let seq = 0;
  let resultFile: string | undefined;
  return {
    async report(state, details = {}) {
      // Seeded from the clock so a restarted sim's reports still outrank the ones its previous run wrote.
      seq = Math.max(seq + 1, Date.now());
      const report: WorkerReport = {
        worker,
        state,
        ...(details.progress === undefined ? {} : { progress: details.progress }),
        ...(details.note === undefined ? {} : { note: details.note.slice(0, 2000) }),
        ...(resultFile === undefined ? {} : { resultFile }),
        ...(details.failure === undefined ? {} : { failure: details.failure }),
        at: new Date().toISOString(),
        source: details.turnEnd === true ? 'sim:turn-end' : 'sim',
        seq,
      };
      await writeReport(paths, report, { turnEnd: details.turnEnd === true });
    },
    async writeResult(text) {
      const file = path.join(paths.results, `${worker}.md`);
      await mkdir(paths.results, { recursive: true, mode: 0o700 });
      await writeAtomic(file, text.endsWith('\n') ? text : `${text}\n`);
      resultFile = file;
      return file;
    },
  };
}
