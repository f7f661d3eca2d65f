import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StreamLine } from '../../src/domain/model/host-stream.js';
import { streamStateDir } from '../../src/host-side/stream.js';
import { gitIn, tempDir, tempRepo } from '../helpers/git-repo.js';
import { waitFor } from '../helpers/wait.js';

const report = (state: string, note: string): string =>
  `${JSON.stringify({ worker: 'w', state, note, at: new Date().toISOString(), source: 'test', seq: 1 })}\n`;

describe("a host's stream of its state dir", () => {
  it('sends a done report only after the tip of the commit behind it, and every report in order', async () => {
    const { repo } = await tempRepo();
    await gitIn(repo, ['checkout', '--quiet', '-b', 'czar/w']);
    const stateDir = await tempDir('czar-host-state-');
    const reports = path.join(stateDir, 'reports');
    await mkdir(reports, { recursive: true });
    await writeFile(path.join(reports, 'w.jsonl'), report('working', 'first'));
    const lines: StreamLine[] = [];
    let stop = (): void => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const streaming = streamStateDir(
      { stateDir, offsets: new Map(), clone: repo, branches: new Map([['w', 'czar/w']]) },
      async (line) => void lines.push(line),
      stopped,
      'test',
    );
    try {
      await waitFor(() => lines.some((line) => line.kind === 'report'), { what: 'the first report' });
      await appendFile(path.join(reports, 'w.jsonl'), report('working', 'second'));
      await gitIn(repo, ['commit', '--quiet', '--allow-empty', '-m', 'the work']);
      const tip = (await gitIn(repo, ['rev-parse', 'HEAD'])).trim();
      await appendFile(path.join(reports, 'w.jsonl'), report('done', 'third'));
      await waitFor(() => lines.filter((line) => line.kind === 'report').length === 3, { what: 'three reports' });
      const told = lines.flatMap((line) =>
        line.kind === 'report'
          ? [`report ${String(JSON.parse(line.text).note)}`]
          : line.kind === 'tip'
            ? [`tip ${line.sha}`]
            : [],
      );
      const doneAt = told.indexOf('report third');
      expect(told.indexOf(`tip ${tip}`)).toBeGreaterThan(-1);
      expect(told.indexOf(`tip ${tip}`)).toBeLessThan(doneAt);
      expect(told.filter((entry) => entry.startsWith('report'))).toEqual([
        'report first',
        'report second',
        'report third',
      ]);
    } finally {
      stop();
      await streaming;
    }
  });
});
