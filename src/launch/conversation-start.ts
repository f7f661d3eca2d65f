import path from 'node:path';
import { resolveLinks } from '../adapters/file-system.js';
import { readJson } from '../adapters/state-files.js';
import {
  claudeTranscriptFiles,
  codexRolloutFiles,
  documentFiles,
  geminiSessionFiles,
  sessionFolderFiles,
} from '../adapters/transcripts.js';
import { readConversations } from '../adapters/transcript-reader.js';
import { agentTranscripts, presetOf } from '../agents/index.js';
import { boxedTranscriptContext, type TranscriptContext, type TranscriptPlaces } from '../agents/transcripts.js';
import { boxedHomeOf } from './box-place.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { reportFile } from '../domain/model/paths.js';
import { restartStart, type RestartStart } from '../domain/model/resume.js';
import { onThisDisk, placeWhere } from '../domain/model/place-kind.js';
import type { Fleet } from '../fleet/handle.js';
import { readLaunchRecord, writeLaunchRecord } from '../fleet/launch-records.js';

/** The transcripts in an agent's places (the usage source follows the same ones). */
export async function transcriptFiles(
  places: TranscriptPlaces,
  now: number,
  codexCwds: Map<string, string | undefined> = new Map(),
): Promise<string[]> {
  switch (places.kind) {
    case 'claude':
      return claudeTranscriptFiles(places.dirs);
    case 'codex':
      return codexRolloutFiles(places.sessionsDir, places.cwd, now, codexCwds);
    case 'gemini':
      return geminiSessionFiles(places.geminiDir, places.cwd);
    case 'sessions':
      return sessionFolderFiles(places.sessionsDir, places.file, places.cwd, codexCwds);
    case 'documents':
      return documentFiles(places.dir, places.suffix, places.cwd, places.lines, codexCwds);
  }
}

/** What the agent's hooks last said of its conversation (the report is the agent's word: only strings are taken). */
async function hookWord(fleet: Fleet, worker: string): Promise<{ session?: string; transcript?: string }> {
  const report = await readJson<Record<string, unknown>>(reportFile(fleet.paths, worker)).catch(() => undefined);
  const session = report?.sessionId;
  const transcript = report?.transcriptPath;
  return {
    ...(typeof session === 'string' ? { session } : {}),
    ...(typeof transcript === 'string' && path.isAbsolute(transcript) && transcript.endsWith('.jsonl')
      ? { transcript }
      : {}),
  };
}

/**
 * How a worker's agent starts again when `czar up` finds it gone (a reboot): its own conversation resumed, or fresh.
 * Reads the agent's transcripts now, leaves the choice to `restartStart`; logs which it is and why. The czar's own
 * restarts choose in `decide()`, from the transcripts its usage source observed.
 */
export async function conversationStart(
  fleet: Fleet,
  spec: WorkerSpec,
  task: string,
  fresh: boolean,
): Promise<RestartStart> {
  const resume = presetOf(spec.agent).resume;
  const worktree = await resolveLinks(spec.worktree).catch(() => spec.worktree);
  const word = await hookWord(fleet, spec.name);
  const record = await readLaunchRecord(fleet.paths, spec.name);
  const context: TranscriptContext = {
    worktree,
    // The pane's environment: the tmux server's (the czar's own) with the agent's and the worker's env: on top.
    env: { ...process.env, ...spec.agent.env, ...spec.env },
    transcripts: word.transcript === undefined ? [] : [word.transcript],
  };
  const copy = await boxedHomeOf(fleet, spec);
  const transcripts = agentTranscripts(
    spec.agent.preset,
    copy === undefined ? context : boxedTranscriptContext(context, copy),
  );
  const look = !fresh && resume !== undefined && transcripts !== undefined && onThisDisk(spec);
  const conversations = look
    ? await readConversations(
        await transcriptFiles(transcripts.places, Date.now()),
        { identity: resume.identity(worktree), prompt: transcripts.prompts },
        transcripts.places.kind === 'documents' ? transcripts.places.lines : undefined,
      )
    : [];
  const start = restartStart({
    fresh,
    preset: spec.agent.preset,
    resumable: resume !== undefined && transcripts !== undefined,
    onThisDisk: onThisDisk(spec),
    where: placeWhere(spec),
    worktree,
    task,
    named: word.session ?? record?.conversation,
    conversations,
  });
  await noteRestartStart(fleet, spec.name, start);
  return start;
}

/**
 * Carries out the choice of a restart's start: the conversation resumed is kept in the launch record (the report that
 * named it is the agent's, and goes when a new session starts), and the event log says which start it is and why.
 */
export async function noteRestartStart(fleet: Fleet, worker: string, start: RestartStart): Promise<void> {
  const record = await readLaunchRecord(fleet.paths, worker);
  if (record !== undefined) {
    const { conversation: _previous, ...rest } = record;
    await writeLaunchRecord(fleet.paths, start.kind === 'resume' ? { ...rest, conversation: start.id } : rest);
  }
  await fleet.log.emit(
    'restart_start',
    start.kind === 'resume' ? `resuming its own conversation: ${start.why}` : `starting afresh: ${start.why}`,
    worker,
    { start: start.kind },
  );
}
