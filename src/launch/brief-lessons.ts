import {
  learningDir,
  lessonsFile,
  readLessons,
  readOutcomes,
  repositoryIdentity,
  writeLearningLines,
} from '../adapters/learning-files.js';
import { ensureStateDir } from '../adapters/state-files.js';
import {
  creditOf,
  DROP_AFTER,
  lessonsFor,
  MAX_LESSONS,
  scopeAreas,
  stoppedHelping,
  type Lesson,
} from '../domain/learning/lesson.js';
import { taskKind, type Outcome } from '../domain/learning/outcome.js';
import type { WorkerSpec } from '../domain/model/config-types.js';
import { briefedFor, readBriefed, withLessons, writeBriefed, type BriefedLessons } from '../fleet/briefed-lessons.js';
import type { Fleet } from '../fleet/handle.js';
import type { Chosen } from './route-workers.js';

const NOTHING: Chosen<BriefedLessons> = { added: [], save: async () => {} };

/**
 * Chooses, before the launch, the lessons each worker's brief carries (its kind's and its scope's areas', in this
 * repository); `save`, once the launch's plan is accepted, keeps the choice so every later command pastes the same
 * ones, and drops from the record the lessons that stopped helping. The record off (`CZAR_LEARN=off`) or unreadable:
 * no lessons, never a failed launch.
 */
export async function briefLessons(fleet: Fleet): Promise<Chosen<BriefedLessons>> {
  const { config, paths } = fleet;
  const briefed = await readBriefed(paths);
  const open = [
    ...config.workers
      .filter((spec) => briefedFor(briefed, { worker: spec.name }) === undefined)
      .map((spec) => ({ who: { worker: spec.name }, task: spec })),
    ...config.bonus
      .filter((task) => briefedFor(briefed, { bonus: task.id }) === undefined)
      .map((task) => ({ who: { bonus: task.id }, task })),
  ];
  if (open.length === 0) {
    fleet.config = withLessons(config, briefed);
    return NOTHING;
  }
  const [lessons, outcomes] = await Promise.all([
    readLessons().catch(() => undefined),
    readOutcomes().catch(() => undefined),
  ]);
  if (lessons === undefined) return NOTHING;
  const dropped = lessons.items.filter((lesson) => stoppedHelping(creditOf(lesson, outcomes?.items ?? [])));
  const kept = lessons.items.filter((lesson) => !dropped.includes(lesson)).slice(-MAX_LESSONS);
  const repo = await repositoryIdentity(config.repo);
  const added: BriefedLessons[] = open.map(({ who, task }) => ({
    ...who,
    lessons: lessonsOfTask(kept, outcomes?.items ?? [], repo, task),
  }));
  fleet.config = withLessons(config, [...briefed, ...added]);
  const save = async (): Promise<void> => {
    if (kept.length !== lessons.items.length) await pruneLessons(fleet, kept, dropped);
    await ensureStateDir(paths);
    await writeBriefed(paths, [...briefed, ...added]);
    for (const entry of added.filter((candidate) => candidate.lessons.length > 0)) {
      const ids = entry.lessons.map((lesson) => lesson.id);
      const what = 'worker' in entry ? 'its brief' : `bonus task ${entry.bonus}`;
      await fleet.log.emit(
        'lessons_briefed',
        `${what} carries ${ids.length} lesson(s): ${ids.join(', ')}`,
        'worker' in entry ? entry.worker : undefined,
        { lessons: ids, ...('bonus' in entry ? { bonus: entry.bonus } : {}) },
      );
    }
  };
  return { added, save };
}

/** The record without the lessons that stopped helping and the oldest past the bound. */
async function pruneLessons(fleet: Fleet, kept: readonly Lesson[], dropped: readonly Lesson[]): Promise<void> {
  const dir = learningDir();
  if (dir === undefined) return;
  await writeLearningLines(
    lessonsFile(dir),
    kept.map((lesson) => JSON.stringify(lesson)),
  );
  if (dropped.length > 0)
    await fleet.log.emit(
      'lessons_dropped',
      `dropped ${dropped.length} lesson(s) that stopped helping (carried by ${DROP_AFTER} or more tasks, fewer than a third verified first time): ${dropped.map((lesson) => lesson.id).join(', ')}`,
    );
}

type TaskFields = Pick<WorkerSpec, 'kind' | 'role' | 'scope'>;

function lessonsOfTask(lessons: readonly Lesson[], outcomes: readonly Outcome[], repo: string, task: TaskFields) {
  return lessonsFor(lessons, outcomes, {
    repo,
    kind: taskKind(task.kind, task.role, task.scope),
    areas: scopeAreas(task.scope),
  });
}

/**
 * The lessons for a worker that joins during the sprint (a spawned child), chosen as `czar up` chooses them for the
 * configured ones; none when the record is off or unreadable.
 */
export async function lessonsForJoining(repoDir: string, task: TaskFields): Promise<readonly Lesson[]> {
  const [lessons, outcomes] = await Promise.all([
    readLessons().catch(() => undefined),
    readOutcomes().catch(() => undefined),
  ]);
  if (lessons === undefined || lessons.items.length === 0) return [];
  return lessonsOfTask(lessons.items, outcomes?.items ?? [], await repositoryIdentity(repoDir), task);
}
