import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfig, loadConfig } from '../../src/config/load.js';
import { CzarError } from '../../src/domain/errors.js';
import { gitIn, tempDir, tempRepo } from '../helpers/git-repo.js';

/** A temp repo with czar.yaml (and any other files) committed, so its paths are real. */
async function repoWith(config: string, files: Record<string, string> = {}) {
  const { root, repo } = await tempRepo(files);
  const file = path.join(repo, 'czar.yaml');
  await writeFile(file, config);
  return { root, repo, file };
}

/** The CzarError loadConfig throws (the test fails if it loads). */
async function loadError(file: string, options?: Parameters<typeof loadConfig>[1]): Promise<CzarError> {
  const error = await loadConfig(file, options).then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof CzarError)) throw new Error(`expected a CzarError, got ${String(error)}`);
  return error;
}

const workers = 'workers:\n  - name: api\n    task: build it\n';

describe('loadConfig', () => {
  it('resolves a config in a real repo: top level, current branch, files and roles', async () => {
    const { root, repo, file } = await repoWith(`project: demo\n${workers}  - name: web\n    task_file: tasks/web.md\n    role: tester\n`, {
      'tasks/web.md': '# Web UI\nBuild the UI.\n',
      'prompts/roles/tester.md': 'You write tests.\n',
    });
    const config = await loadConfig(file);
    expect(config.repo).toBe(repo);
    expect(config.base).toBe('main');
    expect(config.worktrees).toBe(path.join(root, 'repo-workers'));
    expect(config.workers.map((worker) => [worker.name, worker.title, worker.taskSource, worker.branch])).toEqual([
      ['api', 'build it', 'czar.yaml:4', 'czar/api'],
      ['web', 'Web UI', 'tasks/web.md', 'czar/web'],
    ]);
    expect(config.workers[1]?.roleText).toBe('You write tests.\n');
  });

  it('reads a role from czar\'s own prompts when the project has none', async () => {
    const builtin = await tempDir();
    await writeFile(path.join(builtin, 'reviewer.md'), 'You review.\n');
    const { file } = await repoWith(`project: demo\n${workers}    role: reviewer\n`);
    expect((await loadConfig(file, { builtinRolesDir: builtin })).workers[0]?.roleText).toBe('You review.\n');
  });

  it('bad branch name', async () => {
    const { file } = await repoWith(`project: demo\n${workers}    branch: "feat..x"\n`);
    const error = await loadError(file);
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(/czar\.yaml:5:13: workers\[0\]\.branch "feat\.\.x" is not a valid git branch name; /);
    expect(error.details).toEqual([error.message]);
  });

  it('missing task_file', async () => {
    const { repo, file } = await repoWith(`project: demo\nworkers:\n  - name: api\n    task_file: tasks/api.md\n`);
    expect((await loadError(file)).message).toMatch(
      new RegExp(`czar\\.yaml:4:16: workers\\[0\\]\\.task_file "tasks/api\\.md" was not found at ${path.join(repo, 'tasks/api.md')}; create it or fix the path`),
    );
  });

  it('missing role, naming both places looked', async () => {
    const builtin = await tempDir();
    const { repo, file } = await repoWith(`project: demo\n${workers}    role: tester\n`);
    const error = await loadError(file, { builtinRolesDir: builtin });
    expect(error.message).toContain(`czar.yaml:5:11: workers[0].role "tester" has no role prompt; looked for ${path.join(repo, 'prompts/roles/tester.md')} and ${path.join(builtin, 'tester.md')}`);
  });

  it('base branch that does not exist', async () => {
    const { file } = await repoWith(`project: demo\nbase: develop\n${workers}`);
    expect((await loadError(file)).message).toMatch(/czar\.yaml:2:7: base "develop" is not a branch in .*; create it or set base: to an existing branch\.$/);
  });

  it('detached HEAD without base says to set base:', async () => {
    const { repo, file } = await repoWith(`project: demo\n${workers}`);
    await gitIn(repo, ['checkout', '--quiet', '--detach']);
    expect((await loadError(file)).message).toMatch(/czar\.yaml:1:1: .* is on a detached HEAD and there is no base:; add e\.g\. base: main/);
  });

  it('missing repo folder and a folder that is not a git repo', async () => {
    const { file } = await repoWith(`project: demo\nrepo: ../nowhere\n${workers}`);
    expect((await loadError(file)).message).toMatch(/czar\.yaml:2:7: repo points at .*nowhere, which is not a folder; fix the path/);
    const plain = await tempDir();
    await writeFile(path.join(plain, 'czar.yaml'), `project: demo\n${workers}`);
    expect((await loadError(path.join(plain, 'czar.yaml'))).message).toMatch(/czar\.yaml:1:1: the folder of czar\.yaml \(.*\) is not inside a git repository; run "git init" there/);
  });

  it('collects every file and git problem at once', async () => {
    const { file } = await repoWith(`project: demo\nbase: "a b"\nworkers:\n  - { name: api, task_file: nope.md, role: ghost }\n`);
    const error = await loadError(file, { builtinRolesDir: await tempDir() });
    expect(error.details.map((line) => line.replace(/^.*czar\.yaml:(\d+:\d+): (\S+).*$/, '$1 $2'))).toEqual([
      '2:7 base',
      '4:29 workers[0].task_file',
      '4:44 workers[0].role',
    ]);
  });

  it('a missing config file names the path and czar init', async () => {
    const dir = await tempDir();
    const error = await loadError(path.join(dir, 'czar.yaml'));
    expect(error.code).toBe('config_missing');
    expect(error.message).toBe(`No config file at ${path.join(dir, 'czar.yaml')}; run "czar init" to create one, or pass -c <file>.`);
  });
});

describe('findConfig', () => {
  it('finds czar.yaml in a parent folder, and prefers an explicit path', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'czar.yaml'), 'project: x\n');
    await mkdir(path.join(dir, 'a', 'b'), { recursive: true });
    expect(findConfig(path.join(dir, 'a', 'b'))).toBe(path.join(dir, 'czar.yaml'));
    await writeFile(path.join(dir, 'a', 'other.yaml'), 'project: y\n');
    expect(findConfig(path.join(dir, 'a'), 'other.yaml')).toBe(path.join(dir, 'a', 'other.yaml'));
  });

  it('says where it looked and to run czar init', async () => {
    const dir = await tempDir();
    expect(() => findConfig(dir, 'missing.yaml')).toThrow(`No config file at ${path.join(dir, 'missing.yaml')}; run "czar init"`);
  });
});
