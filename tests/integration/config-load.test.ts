import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findConfig } from '../../src/config/find.js';
import { loadConfig } from '../../src/config/load.js';
import { CzarError } from '../../src/domain/model/errors.js';
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
  const error = await loadConfig(file, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof CzarError)) throw new Error(`expected a CzarError, got ${String(error)}`);
  return error;
}

const workers = 'workers:\n  - name: api\n    task: build it\n';

/** A placed problem as written in the test: the config file's folder left out of its label. */
const unplaced = (line: string): string => line.replace(/^\/\S*\/czar\.yaml:/, 'czar.yaml:');

describe('loadConfig', () => {
  it('resolves a config in a real repo: top level, current branch, files and roles', async () => {
    const { root, repo, file } = await repoWith(
      `project: demo\n${workers}  - name: web\n    task_file: tasks/web.md\n    role: tester\n`,
      {
        'tasks/web.md': '# Web UI\nBuild the UI.\n',
        'prompts/roles/tester.md': 'You write tests.\n',
      },
    );
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

  it("reads a role from czar's own prompts when the project has none", async () => {
    const builtin = await tempDir();
    await writeFile(path.join(builtin, 'reviewer.md'), 'You review.\n');
    const { file } = await repoWith(`project: demo\n${workers}    role: reviewer\n`);
    expect((await loadConfig(file, { builtinRolesDir: builtin })).workers[0]?.roleText).toBe('You review.\n');
  });

  it('a task checklist past the limits is refused at its file:line, never cut without a word', async () => {
    const many = Array.from({ length: 3000 }, (_, index) => `- [ ] step ${index + 1}`).join('\n');
    const { repo, file } = await repoWith(
      `project: demo\nworkers:\n  - name: api\n    task_file: tasks/api.md\n  - name: web\n    task: "# Web\\n- [ ] Page\\n- [ ] ${'x'.repeat(201)}\\n- [ ] page"\n`,
      { 'tasks/api.md': `# Api\n\n${many}\n` },
    );
    const error = await loadError(file);
    expect(error.details.map(unplaced)).toEqual([
      `czar.yaml:4:16: workers[0].task_file ${path.join(repo, 'tasks', 'api.md')}:53: checklist item 51 of 3000 is past the 50 checkpoints a task may have; group the steps into fewer items, or make the extra lines plain list items ("- " without "[ ]").`,
      'czar.yaml:6:11: workers[1].task line 3: checklist item 2 is 201 characters long, more than the 200 of a checkpoint; shorten it to one short step.',
      'czar.yaml:6:11: workers[1].task line 4: checklist item 3 "page" repeats item 1; give each step its own text.',
    ]);
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
      new RegExp(
        `czar\\.yaml:4:16: workers\\[0\\]\\.task_file "tasks/api\\.md" was not found at ${path.join(repo, 'tasks/api.md')}; create it or fix the path`,
      ),
    );
  });

  it('missing role, naming both places looked', async () => {
    const builtin = await tempDir();
    const { repo, file } = await repoWith(`project: demo\n${workers}    role: tester\n`);
    const error = await loadError(file, { builtinRolesDir: builtin });
    expect(error.message).toContain(
      `czar.yaml:5:11: workers[0].role "tester" has no role prompt; looked for ${path.join(repo, 'prompts/roles/tester.md')} and ${path.join(builtin, 'tester.md')}`,
    );
  });

  it('base branch that does not exist', async () => {
    const { file } = await repoWith(`project: demo\nbase: develop\n${workers}`);
    expect((await loadError(file)).message).toMatch(
      /czar\.yaml:2:7: base "develop" is not a branch in .*; create it or set base: to an existing branch\.$/,
    );
  });

  it('detached HEAD without base says to set base:', async () => {
    const { repo, file } = await repoWith(`project: demo\n${workers}`);
    await gitIn(repo, ['checkout', '--quiet', '--detach']);
    expect((await loadError(file)).message).toMatch(
      /czar\.yaml:1:1: .* is on a detached HEAD and there is no base:; add e\.g\. base: main/,
    );
  });

  it('missing repo folder and a folder that is not a git repo', async () => {
    const { file } = await repoWith(`project: demo\nrepo: ../nowhere\n${workers}`);
    expect((await loadError(file)).message).toMatch(
      /czar\.yaml:2:7: repo points at .*nowhere, which is not a folder; fix the path/,
    );
    const plain = await tempDir();
    await writeFile(path.join(plain, 'czar.yaml'), `project: demo\n${workers}`);
    expect((await loadError(path.join(plain, 'czar.yaml'))).message).toMatch(
      /czar\.yaml:1:1: the folder of czar\.yaml \(.*\) is not inside a git repository; run "git init" there/,
    );
  });

  it('collects every file and git problem at once', async () => {
    const { file } = await repoWith(
      `project: demo\nbase: "a b"\nworkers:\n  - { name: api, task_file: nope.md, role: ghost }\n`,
    );
    const error = await loadError(file, { builtinRolesDir: await tempDir() });
    expect(error.details.map((line) => line.replace(/^.*czar\.yaml:(\d+:\d+): (\S+).*$/, '$1 $2'))).toEqual([
      '2:7 base',
      '4:29 workers[0].task_file',
      '4:44 workers[0].role',
    ]);
  });

  it('task files that are not text to paste are refused, each with its reason', async () => {
    const { repo, file } = await repoWith(
      `project: demo\nworkers:\n${['bin', 'latin1', 'empty', 'blank', 'folder', 'big'].map((name) => `  - { name: ${name}, task_file: tasks/${name} }\n`).join('')}`,
    );
    await mkdir(path.join(repo, 'tasks'));
    await writeFile(path.join(repo, 'tasks/bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    await writeFile(path.join(repo, 'tasks/latin1'), Buffer.from('caf\xe9 au lait', 'latin1'));
    await writeFile(path.join(repo, 'tasks/empty'), '');
    await writeFile(path.join(repo, 'tasks/blank'), '  \n\t\n');
    await mkdir(path.join(repo, 'tasks/folder'));
    await writeFile(path.join(repo, 'tasks/big'), 'x'.repeat(1024 * 1024 + 1));
    const at = (name: string) => path.join(repo, 'tasks', name);
    expect((await loadError(file)).details.map(unplaced)).toEqual([
      `czar.yaml:3:29: workers[0].task_file "tasks/bin" (${at('bin')}) is not UTF-8 text (NUL bytes or invalid UTF-8); a task is pasted into the agent as text, so save it as UTF-8 text.`,
      `czar.yaml:4:32: workers[1].task_file "tasks/latin1" (${at('latin1')}) is not UTF-8 text (NUL bytes or invalid UTF-8); a task is pasted into the agent as text, so save it as UTF-8 text.`,
      `czar.yaml:5:31: workers[2].task_file "tasks/empty" (${at('empty')}) is empty; write the task in it.`,
      `czar.yaml:6:31: workers[3].task_file "tasks/blank" (${at('blank')}) is empty; write the task in it.`,
      `czar.yaml:7:32: workers[4].task_file "tasks/folder" (${at('folder')}) is a folder, not a file; name the task's file, e.g. tasks/folder/task.md.`,
      `czar.yaml:8:29: workers[5].task_file "tasks/big" (${at('big')}) is larger than 1 MB, the most czar pastes as a task; shorten it, and leave the detail in files the worker reads in its worktree.`,
    ]);
  });

  it('a role prompt that is not text, or a folder, is refused with its reason rather than pasted or taken for missing', async () => {
    const { repo, file } = await repoWith(
      `project: demo\n${workers}    role: bin\n  - { name: web, task: y, role: dir }\n`,
    );
    await mkdir(path.join(repo, 'prompts/roles/dir.md'), { recursive: true });
    await writeFile(path.join(repo, 'prompts/roles/bin.md'), Buffer.from([0x00, 0xff]));
    expect((await loadError(file, { builtinRolesDir: await tempDir() })).details.map(unplaced)).toEqual([
      `czar.yaml:5:11: workers[0].role "bin" has a role prompt ${path.join(repo, 'prompts/roles/bin.md')} that is not UTF-8 text (NUL bytes or invalid UTF-8); save it as UTF-8 text.`,
      `czar.yaml:6:33: workers[1].role "dir" has a role prompt ${path.join(repo, 'prompts/roles/dir.md')} that is a folder, not a file; put the role's text in that file.`,
    ]);
  });

  it('a blank inline task is refused as an empty one is', async () => {
    const { file } = await repoWith(`project: demo\nworkers:\n  - { name: api, task: "  \\n " }\n`);
    expect(unplaced((await loadError(file)).message)).toBe(
      'czar.yaml:3:24: workers[0].task is blank; write the task, or use task_file: with a path such as tasks/api.md.',
    );
  });

  it('a task file outside the repository, by ../ or a link, is refused unless the config opts in', async () => {
    const config = `project: demo\nworkers:\n  - { name: up, task_file: ../x.md }\n  - { name: key, task_file: tasks/key.md }\n`;
    const { root, repo, file } = await repoWith(config);
    await writeFile(path.join(root, 'x.md'), '# Outside\n');
    await writeFile(path.join(root, 'secret'), 'not for a model\n');
    await mkdir(path.join(repo, 'tasks'));
    await symlink(path.join(root, 'secret'), path.join(repo, 'tasks', 'key.md'));
    const tail =
      "and czar pastes a task's text to the agent and so to its model provider; move the task into the repository, or set task_files_outside_repo: true if that file is meant to go.";
    expect(((await loadError(file)).details as string[]).map(unplaced)).toEqual([
      `czar.yaml:3:28: workers[0].task_file "../x.md" resolves to ${path.join(root, 'x.md')}, outside the repository ${repo}, ${tail}`,
      `czar.yaml:4:29: workers[1].task_file "tasks/key.md" resolves to ${path.join(root, 'secret')}, outside the repository ${repo}, ${tail}`,
    ]);
    await writeFile(file, `task_files_outside_repo: true\n${config}`);
    const loaded = await loadConfig(file);
    expect(loaded.workers.map((worker) => worker.task)).toEqual(['# Outside', 'not for a model']);
  });

  it('worktrees inside the repository are refused: the main checkout would see them as embedded repositories', async () => {
    const { repo, file } = await repoWith(`project: demo\nworktrees: .worktrees\n${workers}`);
    expect(unplaced((await loadError(file)).message)).toBe(
      `czar.yaml:2:12: worktrees ${path.join(repo, '.worktrees')} is inside the repository ${repo}, whose main checkout would then list each worktree as an embedded repository; put it beside the repository, e.g. worktrees: ../repo-workers.`,
    );
  });

  it('a bare repository and a repository with no commits say what they are', async () => {
    const root = await tempDir();
    await gitIn(root, ['init', '--quiet', '--bare', 'bare.git']);
    await writeFile(path.join(root, 'czar.yaml'), `project: demo\nrepo: bare.git\n${workers}`);
    expect(unplaced((await loadError(path.join(root, 'czar.yaml'))).message)).toBe(
      `czar.yaml:2:7: repo points at ${path.join(root, 'bare.git')}, which is a bare repository with no working tree; clone it (git clone bare.git app) and point repo: at the clone.`,
    );
    const fresh = path.join(root, 'fresh');
    await mkdir(fresh);
    await gitIn(fresh, ['init', '--quiet', '--initial-branch=main']);
    await writeFile(path.join(fresh, 'czar.yaml'), `project: demo\n${workers}`);
    expect(unplaced((await loadError(path.join(fresh, 'czar.yaml'))).message)).toBe(
      `czar.yaml:1:1: ${fresh} has no commits yet, so there is nothing for workers to start from; commit something first, e.g. git commit --allow-empty -m "Start".`,
    );
  });

  it('a config path that is a folder says so', async () => {
    const dir = await tempDir();
    await mkdir(path.join(dir, 'czar.yaml'));
    const error = await loadError(path.join(dir, 'czar.yaml'));
    expect(error.message).toBe(
      `${path.join(dir, 'czar.yaml')} is a folder, not a config file; remove or rename it, then run "czar init", or pass -c <file>.`,
    );
  });

  it('a missing config file names the path and czar init', async () => {
    const dir = await tempDir();
    const error = await loadError(path.join(dir, 'czar.yaml'));
    expect(error.code).toBe('config_missing');
    expect(error.message).toBe(
      `No config file at ${path.join(dir, 'czar.yaml')}; run "czar init" to create one, or pass -c <file>.`,
    );
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
    expect(() => findConfig(dir, 'missing.yaml')).toThrow(
      `No config file at ${path.join(dir, 'missing.yaml')}; run "czar init"`,
    );
  });
});
