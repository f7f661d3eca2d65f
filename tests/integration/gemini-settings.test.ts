import { lstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openFleet } from '../../src/fleet/handle.js';
import { agentLaunchSpec } from '../../src/launch/agent-pane.js';
import { prepareStateDir } from '../../src/launch/launcher.js';
import { czar } from '../helpers/cli.js';
import { tempDir, tempRepo } from '../helpers/git-repo.js';

/** A fleet of one Gemini CLI worker whose project lives under /tmp, a folder every user may write. */
async function geminiFleet(): Promise<ReturnType<typeof openFleet>> {
  const { root } = await tempRepo();
  const file = path.join(root, 'czar.yaml');
  await writeFile(file, 'project: g\nrepo: repo\nagent: gemini\nworkers:\n  - name: api\n    task: build it\n');
  const fleet = openFleet(await loadConfig(file));
  await prepareStateDir(fleet);
  return fleet;
}

/**
 * Gemini CLI 0.61 (`isFileAndDirectorySecureSync`) skips its system settings file unless the file and every folder
 * above it are owned by root and writable by no group or others.
 */
function geminiWouldSkip(file: string): string | undefined {
  for (let at = file; ; at = path.dirname(at)) {
    const info = lstatSync(at);
    if (info.uid !== 0) return `${at} is not owned by root`;
    if ((info.mode & 0o022) !== 0) return `${at} is writable by group or others`;
    if (at === path.dirname(at)) return undefined;
  }
}

const asRoot = process.getuid?.() === 0;

describe("Gemini CLI's hook settings", () => {
  it.skipIf(!asRoot)('sit where Gemini CLI reads them, even for a project under /tmp', async () => {
    const fleet = await geminiFleet();
    // A cache dir of the test's own in the (root-owned, private) home folder, removed at the end.
    const cache = path.join(homedir(), `.cache-czar-test-${randomBytes(4).toString('hex')}`);
    onTestFinished(() => rm(cache, { recursive: true, force: true }));
    const { env } = await withCacheHome(cache, () => agentLaunchSpec(fleet, fleet.config.workers[0]!));
    const settings = env.GEMINI_CLI_SYSTEM_SETTINGS_PATH ?? '';
    expect(settings).not.toBe('');
    expect(geminiWouldSkip(settings)).toBeUndefined();
  });

  it('are refused at launch, naming the folder and the fix, when a folder above them is open to others', async () => {
    const fleet = await geminiFleet();
    const open = path.join(await tempDir(), 'shared-cache');
    await mkdir(open);
    await chmod(open, 0o777);
    const error: unknown = await withCacheHome(open, () => agentLaunchSpec(fleet, fleet.config.workers[0]!)).catch(
      (caught: unknown) => caught,
    );
    expect(String(error)).toMatch(
      new RegExp(`Gemini CLI would skip .*${open.replaceAll('/', '\\/')}.* writable by group or others`),
    );
    // czar doctor says the same, with the fix.
    const doctor = await czar(['doctor', '-c', fleet.config.file], {
      cwd: fleet.config.repo,
      env: { XDG_CACHE_HOME: open },
    });
    expect(doctor.exitCode).toBe(1);
    expect(doctor.stdout).toMatch(
      new RegExp(
        `✗ agent "gemini": Gemini CLI would skip .*${open.replaceAll('/', '\\/')}.* writable by group or others.*; run "chmod go-w`,
      ),
    );
  });
});

/** Runs `fn` with XDG_CACHE_HOME set, where czar keeps agent files that must be private. */
async function withCacheHome<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = dir;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
  }
}
