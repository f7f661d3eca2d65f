import path from 'node:path';
import { readJson } from '../adapters/state-files.js';
import { agentTranscripts } from '../agents/index.js';
import type { StreamLine } from '../domain/model/host-stream.js';
import { MAX_STREAM_MODELS } from '../domain/model/host-stream.js';
import { launchRecordFile, statePaths } from '../domain/model/paths.js';
import { PRESET_NAMES } from '../domain/model/config-types.js';
import type { HostLaunchRecord } from '../fleet/launch-records.js';
import { byModel } from '../domain/usage/usage.js';
import { UsageSource, type UsageSubject } from '../supervisor/sources/usage.js';

/** The one "task" lines are counted under on the host: the host cannot know the tasks; the local czar assigns them. */
const ALL_TASKS = 'all';

/**
 * The host side of usage for `czar watch --stream`: the same usage source as the local czar's, over the
 * host's record files, sending each worker's whole usage when it changed. Workers are known by their launch records.
 */
export class HostUsage {
  private readonly source = new UsageSource();
  private readonly subjects = new Map<string, UsageSubject>();

  constructor(
    private readonly stateDir: string,
    private readonly workers: readonly string[],
  ) {}

  async poll(now: number): Promise<StreamLine[]> {
    for (const worker of this.workers) if (!this.subjects.has(worker)) await this.learn(worker);
    const changed = await this.source.poll([...this.subjects.values()], now);
    return [...changed].map(([worker, usage]) => ({
      kind: 'usage',
      worker,
      models: byModel(usage.tasks)
        .slice(0, MAX_STREAM_MODELS)
        .map((entry) => ({ ...entry })),
      files: usage.files,
      skippedLines: usage.skippedLines,
      ...(usage.lastAt === undefined ? {} : { lastAt: usage.lastAt }),
    }));
  }

  close(): Promise<void> {
    return this.source.close();
  }

  /** A worker's record places, once its launch record is there (a worker launched after the watch started is found later). */
  private async learn(worker: string): Promise<void> {
    const record = await readJson<Partial<HostLaunchRecord>>(launchRecordFile(statePaths(this.stateDir), worker));
    if (record === undefined || typeof record.worktree !== 'string' || !path.isAbsolute(record.worktree)) return;
    const preset = PRESET_NAMES.find((name) => name === record.preset);
    if (preset === undefined) return;
    const launchedAt = Date.parse(record.launchedAt ?? '');
    const env = { ...process.env, ...stringsOnly(record.recordsEnv) };
    // Lines from before the launch are someone else's (a person used the folder earlier), as on this machine.
    const tasks = [{ id: ALL_TASKS, at: Number.isNaN(launchedAt) ? 0 : launchedAt }];
    this.subjects.set(worker, {
      name: worker,
      transcripts: agentTranscripts(preset, { worktree: record.worktree, env, transcripts: [] }),
      tasks,
    });
  }
}

function stringsOnly(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
