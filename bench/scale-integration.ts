import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CZAR, benchRepo, ms, row } from './harness.js';

/**
 * `czar integrate` over `count` done branches, one new file each, with one trivial integration check: how long each
 * merge takes as the branches already merged pile up. The status file is written here as a czar would have left it
 * (every worker done, one commit ahead), so the run measures the integration path alone.
 */
export function benchIntegration(count: number, print: (line: string) => void): void {
  const { root, repo, cleanup } = benchRepo('integrate');
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@czar.invalid', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  try {
    const names = Array.from({ length: count }, (_, i) => `w${i + 1}`);
    const workers = names.map((name) => {
      git('switch', '-q', '-c', `czar/${name}`, 'main');
      writeFileSync(path.join(repo, `${name}.txt`), `${name}\n`);
      git('add', '-A');
      git('commit', '-q', '-m', `work of ${name}`);
      const sha = git('rev-parse', 'HEAD');
      return { name, sha };
    });
    git('switch', '-q', 'main');
    writeFileSync(
      path.join(root, 'czar.yaml'),
      `project: bi${process.pid}\nrepo: repo\nagent: shell\nintegration: { checks: [{ name: trivial, run: 'true' }] }\nworkers:\n${names.map((name) => `  - name: ${name}\n    task: Write ${name}.txt.\n`).join('')}`,
    );
    mkdirSync(path.join(root, '.czar'), { recursive: true });
    const status = {
      project: `bi${process.pid}`,
      workers: workers.map(({ name, sha }) => ({
        name,
        state: 'done',
        alerts: [],
        git: { commitsAhead: 1, lastCommit: { sha } },
      })),
    };
    writeFileSync(path.join(root, '.czar', 'status.json'), JSON.stringify(status));
    const start = Date.now();
    execFileSync(process.execPath, [CZAR, 'integrate'], { cwd: root, stdio: 'ignore' });
    const total = Date.now() - start;
    const merged = readFileSync(path.join(root, '.czar', 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { kind: string; at: string })
      .filter((event) => event.kind === 'integrated')
      .map((event) => Date.parse(event.at));
    if (merged.length !== count) throw new Error(`bench: ${merged.length} of ${count} branches were integrated`);
    const gaps = merged.slice(1).map((at, i) => at - (merged[i] as number));
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    const tenth = Math.max(1, Math.floor(gaps.length / 10));
    const first = mean(gaps.slice(0, tenth));
    const last = mean(gaps.slice(-tenth));
    print(`scale: ${count} done branches integrated (czar integrate, one trivial check each)`);
    print(
      row(`time per merge, first ${tenth} / last ${tenth}`, `${ms(first)} / ${ms(last)}`, 'flat', last < first * 1.5),
    );
    print(row(`  growth last / first`, `${(last / first).toFixed(2)}x`, '< 1.5x', last < first * 1.5));
    print(row(`${count} branches integrated, total`, ms(total), '< 60 s', total < 60_000));
  } finally {
    cleanup();
  }
}
