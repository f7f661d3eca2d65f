import path from 'node:path';
import { isFolder, resolveLinks } from '../../adapters/file-system.js';
import { writeRefusal, writeReportAfter } from '../../adapters/report-files.js';
import { appendEvent, jsonIn, readJson } from '../../adapters/state-files.js';
import { PROOF_VARIABLE, proofHolder, proofOf } from '../../adapters/worker-proof.js';
import { readTextFile } from '../../adapters/text-file.js';
import { MAX_RESULT_BYTES } from '../../domain/model/limits.js';
import { stateForHook } from '../../agents/hook-events.js';
import { CzarError } from '../../domain/model/errors.js';
import { launchRecordFile, statePaths, type StatePaths } from '../../domain/model/paths.js';
import { REPORTED_STATES, WORKER_NAME, type ApiFailure, type ReportedState } from '../../domain/model/words.js';
import type { WorkerReport } from '../../domain/model/report-schema.js';
import { parse, usageError, type Command } from '../command.js';
import { readStdin } from '../stdin.js';
import type { ReportedCheckpoint } from './report-checkpoint.js';

const usage =
  'czar report --state <working|idle|waiting|done|blocked> [--progress 0-100] [--note TEXT] [--result-file F] [--task ID] [--checkpoint N|TEXT]';

/**
 * How a worker tells the czar its state: an atomic write of its own report file. Also the target of agent hooks
 * (`--hook <Event>` with the event JSON on stdin or as the last argument); a hook must never fail the agent's turn,
 * so in hook mode every problem is swallowed and the exit status is 0.
 */
export const reportCommand: Command = {
  name: 'report',
  forWorkers: true,
  summary: "report this worker's state to the czar (run by workers and agent hooks)",
  usage,
  async run(args) {
    const { values, positionals } = parse(this, args, {
      state: { type: 'string' },
      progress: { type: 'string' },
      note: { type: 'string' },
      'result-file': { type: 'string' },
      task: { type: 'string' },
      checkpoint: { type: 'string' },
      hook: { type: 'string' },
    });
    const worker = process.env.CZAR_WORKER;
    const stateDir = process.env.CZAR_STATE_DIR;
    if (values.hook !== undefined) {
      if (worker === undefined || stateDir === undefined) return 0;
      const target = await checkTarget(worker, stateDir);
      // A hook speaking for another worker is refused without a word to its agent: the czar is told instead.
      if (typeof target === 'string' || (await refuseImpostor(statePaths(stateDir), worker, target)) !== undefined)
        return 0;
      try {
        const payload = await hookPayload(positionals);
        const mapped = stateForHook(values.hook, payload);
        if (mapped !== undefined)
          await write(stateDir, worker, {
            eventAt: eventTime(payload),
            state: mapped.state,
            note: mapped.note,
            source: `hook:${values.hook}`,
            payload,
            turnEnd: mapped.turnEnd === true,
            failure: mapped.failure,
          });
      } catch {
        // A status hook that fails would block or spam the agent; the pane and git signals still cover this worker.
      }
      return 0;
    }
    // Only a hook takes an argument (Codex passes its event as the last one); anything else is a mistake to name.
    if (positionals[0] !== undefined)
      throw usageError(
        this,
        `${JSON.stringify(positionals[0])} is one argument too many for "czar report" (a note goes in --note)`,
      );
    if (worker === undefined || stateDir === undefined) {
      throw new CzarError(
        'not_a_worker',
        'CZAR_WORKER and CZAR_STATE_DIR are not set; "czar report" is run by workers inside a czar session, where czar sets both.',
      );
    }
    const target = await checkTarget(worker, stateDir);
    if (typeof target === 'string') throw new CzarError('not_a_worker', target);
    const impostor = await refuseImpostor(statePaths(stateDir), worker, target);
    if (impostor !== undefined) throw new CzarError('report_refused', impostor);
    // A checkpoint reached is working on towards the next, unless the worker says otherwise.
    const state = values.state ?? (values.checkpoint === undefined ? undefined : 'working');
    if (state === undefined || !(REPORTED_STATES as readonly string[]).includes(state)) {
      throw new CzarError(
        'usage',
        `--state ${state === undefined ? 'is missing' : `"${state}" is not a state`}; use one of ${REPORTED_STATES.join(', ')}.`,
      );
    }
    const progress = values.progress === undefined ? undefined : Number(values.progress);
    if (progress !== undefined && !(Number.isFinite(progress) && progress >= 0 && progress <= 100)) {
      throw new CzarError(
        'usage',
        `--progress "${values.progress}" is not a number from 0 to 100; give the percentage done, e.g. --progress 40.`,
      );
    }
    let resultFile: string | undefined;
    if (values['result-file'] !== undefined) {
      resultFile = path.resolve(values['result-file']);
      // The czar reads the file with the same check; refusing here is how the worker learns it would be dropped.
      const reading = await readTextFile(resultFile, MAX_RESULT_BYTES);
      if (!reading.ok)
        throw new CzarError(
          'usage',
          `--result-file ${resultFile} ${reading.reason}; the czar would drop it, so fix the file and report again.`,
        );
    }
    let checkpoint: ReportedCheckpoint | undefined;
    if (values.checkpoint !== undefined) {
      // Loaded only here: agent hooks run `czar report` on every turn and need none of git.
      const { reportedCheckpoint } = await import('./report-checkpoint.js');
      checkpoint = await reportedCheckpoint(stateDir, worker, values.checkpoint, target.worktree ?? process.cwd());
    }
    await write(stateDir, worker, {
      state: state as ReportedState,
      checkpoint,
      progress,
      note: values.note,
      resultFile,
      task: values.task,
      source: 'cli',
    });
    return 0;
  },
};

/**
 * The launch record of the worker the environment names, or why it does not name a worker of a real fleet. The
 * variables come from the pane's environment, which anything in it can change: a name is only ever a file name, the
 * state dir must already exist (never created here), and the worker must have been launched there.
 */
export async function checkTarget(worker: string, stateDir: string): Promise<{ worktree?: string } | string> {
  const fix = 'run "czar report" inside the worker\'s own tmux session, where czar sets it';
  if (!WORKER_NAME.test(worker))
    return `CZAR_WORKER "${worker}" is not a worker name (lower-case letters, digits, "-" and "_"); ${fix}.`;
  if (!path.isAbsolute(stateDir)) return `CZAR_STATE_DIR "${stateDir}" is not an absolute path; ${fix}.`;
  const paths = statePaths(stateDir);
  if (!(await isFolder(paths.workers)))
    return `CZAR_STATE_DIR "${stateDir}" is not a czar state dir (it has no workers/ folder); ${fix}.`;
  const record = await readJson<{ worktree?: string }>(launchRecordFile(paths, worker));
  if (record === undefined) return `CZAR_WORKER "${worker}" is not a worker of the fleet in ${stateDir}; ${fix}.`;
  return record;
}

/**
 * Why this process may not speak for `worker`, or undefined when it may: it must hold the proof czar gave that
 * worker's agent and run inside its worktree. A refusal is also written to the report stream of the worker that
 * proved to run it (or, when none did, to the event log), where the czar reads it, logs it and raises an alert.
 */
export async function refuseImpostor(
  paths: StatePaths,
  worker: string,
  record: { worktree?: string },
): Promise<string | undefined> {
  let reason: string | undefined;
  const proof = await proofOf(paths, worker, process.env[PROOF_VARIABLE]);
  // The agent this one replaced, exiting (a session-end hook): stale, and nothing to alert anyone about.
  if (proof === 'previous')
    return `${PROOF_VARIABLE} belongs to an agent of worker "${worker}" that czar has since started again, so this report was dropped; the running agent reports for it.`;
  if (proof === 'none') {
    // The alert goes to whoever runs this, proven by the proof it holds, never to the worker it names.
    await blameCaller(paths, worker).catch(() => undefined);
    return `${PROOF_VARIABLE} is not the proof czar gave worker "${worker}", so this report as "${worker}" was refused and the czar told; "czar report" speaks only for the worker whose agent runs it, in its own tmux session.`;
  }
  if (record.worktree !== undefined) {
    const here = await resolveLinks(process.cwd()).catch(() => process.env.PWD ?? '(a folder that is gone)');
    const tree = await resolveLinks(record.worktree).catch(() => record.worktree ?? '');
    if (here !== tree && !here.startsWith(`${tree}${path.sep}`)) {
      reason = `this report as "${worker}" runs in ${here}, outside ${worker}'s worktree ${tree}, so it was refused and the czar told; run "czar report" from the worker's own worktree.`;
    }
  }
  if (reason !== undefined) await writeRefusal(paths, worker, reason).catch(() => undefined);
  return reason;
}

/** Tells the czar of a command that named `worker` without its proof: on the stream of the worker that ran it. */
async function blameCaller(paths: StatePaths, worker: string): Promise<void> {
  const caller = await proofHolder(paths, process.env[PROOF_VARIABLE]);
  if (caller !== undefined) {
    await writeRefusal(paths, caller, `it ran a czar command as worker "${worker}", whose proof it does not hold`);
    return;
  }
  await appendEvent(paths, {
    at: new Date().toISOString(),
    kind: 'bad_report',
    message: `refused a czar command as worker "${worker}" from a process holding no worker's proof`,
  });
}

interface ReportFields {
  state: ReportedState;
  progress?: number;
  note?: string;
  resultFile?: string;
  task?: string;
  checkpoint?: ReportedCheckpoint | undefined;
  source: string;
  /** When the hook's event happened, where the hook says (one the agent runs without waiting for may land late). */
  eventAt?: number | undefined;
  payload?: unknown;
  turnEnd?: boolean;
  failure?: ApiFailure | undefined;
}

async function write(stateDir: string, worker: string, fields: ReportFields): Promise<void> {
  const payload =
    typeof fields.payload === 'object' && fields.payload !== null ? (fields.payload as Record<string, unknown>) : {};
  await writeReportAfter(statePaths(stateDir), worker, (previous) => {
    // An event older than the report on file is old news: that report says what happened after it.
    if (fields.eventAt !== undefined && previous !== undefined && fields.eventAt < Date.parse(previous.at))
      return undefined;
    return { report: reportOf(worker, fields, payload, previous), turnEnd: fields.turnEnd === true };
  });
}

function reportOf(
  worker: string,
  fields: ReportFields,
  payload: Record<string, unknown>,
  previous: WorkerReport | undefined,
): WorkerReport {
  return {
    worker,
    state: fields.state,
    at: new Date(fields.eventAt ?? Date.now()).toISOString(),
    source: fields.source,
    seq: (previous?.seq ?? 0) + 1,
    ...(fields.progress === undefined ? {} : { progress: fields.progress }),
    ...(fields.note === undefined ? {} : { note: fields.note.slice(0, 2000) }),
    ...(fields.resultFile === undefined ? {} : { resultFile: fields.resultFile }),
    ...(fields.task === undefined ? {} : { task: fields.task.slice(0, 200) }),
    ...(fields.checkpoint === undefined ? {} : { checkpoint: fields.checkpoint }),
    ...(fields.failure === undefined ? {} : { failure: fields.failure }),
    // Claude Code and Gemini CLI name their conversation `session_id`, Codex's notify `thread-id`, Copilot `sessionId`.
    ...(typeof payload.session_id === 'string'
      ? { sessionId: payload.session_id }
      : typeof payload['thread-id'] === 'string'
        ? { sessionId: payload['thread-id'] }
        : typeof payload.sessionId === 'string'
          ? { sessionId: payload.sessionId }
          : {}),
    // Kept from the last hook when this report has none (`czar report` by hand): the czar reads usage from it.
    ...(typeof payload.transcript_path === 'string'
      ? { transcriptPath: payload.transcript_path }
      : typeof payload.transcriptPath === 'string'
        ? { transcriptPath: payload.transcriptPath }
        : typeof previous?.transcriptPath === 'string'
          ? { transcriptPath: previous.transcriptPath }
          : {}),
  };
}

/**
 * The event's own time from czar's pi extension (`event_at`, epoch ms): a number no later than now and at most an hour
 * old, else undefined (the report is then as new as its writing).
 */
function eventTime(payload: unknown): number | undefined {
  const at = typeof payload === 'object' && payload !== null ? (payload as { event_at?: unknown }).event_at : undefined;
  const now = Date.now();
  return typeof at === 'number' && Number.isFinite(at) && at <= now && at > now - 3_600_000 ? at : undefined;
}

/** Claude Code and Gemini pass the event on stdin; Codex `notify` appends it as the last argument. */
async function hookPayload(positionals: string[]): Promise<unknown> {
  const last = positionals.at(-1);
  const text = last !== undefined ? last : process.stdin.isTTY ? '' : await readStdin();
  return jsonIn<unknown>(text) ?? {};
}
