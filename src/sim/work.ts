/** One visible step of simulated work: the spinner verb while it runs, then a transcript entry. */
export interface WorkStep {
  readonly verb: string;
  readonly title: string;
  readonly outcome: string;
}

const FALLBACK_FILES = ['src/index.ts', 'src/lib/parser.ts', 'src/lib/format.ts', 'tests/parser.test.ts', 'README.md'];

/**
 * A believable sequence of agent steps for `@sim work`: read and search first, edit in the middle, test at the
 * end. Deterministic for a given seed, so a demo replays the same way.
 */
export function workSteps(label: string, files: readonly string[], count: number, seed: string): WorkStep[] {
  const random = mulberry32(hash(`${seed}:${label}`));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1));
  const pool = files.length > 0 ? files : FALLBACK_FILES;
  const topic = label.trim() === '' ? pick(['the task', 'the change', 'the code']) : label.trim();
  const word = topic.split(/\s+/).find((w) => w.length > 3) ?? 'TODO';

  const read = (): WorkStep => {
    const file = pick(pool);
    return {
      verb: pick(['Reading', 'Exploring', 'Pondering']),
      title: `Read(${file})`,
      outcome: `Read ${int(12, 480)} lines`,
    };
  };
  const search = (): WorkStep => ({
    verb: pick(['Searching', 'Investigating', 'Musing']),
    title: `Search(pattern: "${word}")`,
    outcome: `Found ${int(1, 14)} files`,
  });
  const edit = (): WorkStep => {
    const file = pick(pool);
    return {
      verb: pick(['Editing', 'Crafting', 'Refactoring', 'Wrangling']),
      title: `Update(${file})`,
      outcome: `Updated ${file} with ${int(1, 60)} additions and ${int(0, 25)} removals`,
    };
  };
  const test = (): WorkStep => ({
    verb: pick(['Testing', 'Verifying']),
    title: `Bash(${pick(['npm test', 'npx vitest run', 'npm run lint', 'npx tsc --noEmit'])})`,
    outcome: `✓ ${int(8, 240)} passed (${(random() * 4 + 0.3).toFixed(1)}s)`,
  });
  const think = (): WorkStep => ({
    verb: pick(['Thinking', 'Planning', 'Considering']),
    title: `Plan: ${topic}`,
    outcome: `${int(2, 6)} steps`,
  });

  const steps: WorkStep[] = [];
  for (let i = 0; i < count; i++) {
    const phase = count === 1 ? 0.5 : i / (count - 1);
    if (i === 0) steps.push(count > 2 ? think() : read());
    else if (phase < 0.4) steps.push(random() < 0.5 ? read() : search());
    else if (phase < 0.85 || i < count - 1) steps.push(edit());
    else steps.push(test());
  }
  return steps;
}

/** How many steps `seconds` of unscaled work shows: about one every 1.5 s, at least 1 and at most 12. */
export function stepCount(seconds: number): number {
  return Math.max(1, Math.min(12, Math.round(seconds / 1.5)));
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A tiny seeded PRNG (mulberry32): good enough to vary demo output, reproducible per seed. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
