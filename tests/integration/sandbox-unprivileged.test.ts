import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../helpers/fleet-fixture.js';
import { tempDir } from '../helpers/git-repo.js';

// The box as most people run it: as a user without privileges, where bubblewrap makes its namespaces as that user
// (as root it drops every capability instead). The hostile scenario runs again, whole, as a system user of its own.
const USER = 'czar-box-test';
const SETPRIV = '/usr/bin/setpriv';
const HOSTILE = 'tests/integration/sandbox-hostile.test.ts';
const VITEST = path.join(PACKAGE_ROOT, 'node_modules', 'vitest', 'vitest.mjs');

/** The user's ids, made once per machine (a system user with no home and no login) and reused after. */
async function boxUser(): Promise<{ uid: number; gid: number } | undefined> {
  const ids = async (): Promise<{ uid: number; gid: number } | undefined> => {
    const [uid, gid] = await Promise.all(
      ['-u', '-g'].map(async (flag) => (await execa('id', [flag, USER], { reject: false })).stdout),
    );
    return uid === '' || gid === '' ? undefined : { uid: Number(uid), gid: Number(gid) };
  };
  const found = await ids();
  if (found !== undefined) return found;
  // Two test runs at once may both make it: the loser's useradd fails, and the user is there all the same.
  await execa('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', USER], {
    reject: false,
  });
  return ids();
}

/** `argv` as the box user, with only the environment given. */
function asUser(argv: readonly string[], env: Readonly<Record<string, string>>, timeout?: number) {
  return execa(SETPRIV, ['--reuid', USER, '--regid', USER, '--init-groups', ...argv], {
    cwd: PACKAGE_ROOT,
    env,
    extendEnv: false,
    reject: false,
    all: true,
    ...(timeout === undefined ? {} : { timeout, forceKillAfterDelay: 5000 }),
  });
}

/** Why the scenario cannot run as an unprivileged user here, or undefined when it can. */
async function unavailable(): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'running as another user needs root';
  if (!existsSync('/usr/bin/bwrap')) return 'no /usr/bin/bwrap (apt-get install bubblewrap)';
  if (!existsSync(SETPRIV)) return `no ${SETPRIV} (util-linux)`;
  if ((await boxUser()) === undefined) return `could not make the system user ${USER} (useradd)`;
  const reads = await asUser(['test', '-r', VITEST], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
  if (reads.exitCode !== 0) return `${USER} cannot read ${PACKAGE_ROOT} (a folder on its path is private)`;
  return undefined;
}

const why = await unavailable();
const scale = Number(process.env.CZAR_TEST_TIMEOUT_SCALE ?? '1') || 1;

describe.skipIf(why !== undefined)(
  `the box as an unprivileged user${why === undefined ? '' : ` (skipped: ${why})`}`,
  () => {
    it(
      'runs the hostile scenario whole as a user without privileges, with a home and temp dir of its own',
      async () => {
        const { home, tmp } = await ownedFolders();
        await writeFile(path.join(home, '.gitconfig'), IDENTITY);
        await chown(path.join(home, '.gitconfig'), ...(await ids()));
        const output = await scenario({ HOME: home, TMPDIR: tmp }, [HOSTILE]);
        expect(output).toMatch(/Tests\s+1 passed/);
      },
      240_000 * scale,
    );

    // A box does not need the person's home: the worker's private copy of its agent's files lives in czar's state
    // dir when the home cannot hold it, and a home that is not there is not bound.
    it(
      'boxes a worker for a user whose home it cannot write',
      async () => {
        const { tmp } = await ownedFolders();
        // The home is root's: the user reads it (its git identity) and writes nothing there.
        const home = await tempDir('czar-box-rohome-');
        await writeFile(path.join(home, '.gitconfig'), IDENTITY);
        await chmod(home, 0o755);
        const output = await scenario({ HOME: home, TMPDIR: tmp }, [BOXED, '-t', BOXED_CASE]);
        expect(output).toMatch(/Tests\s+1 passed/);
      },
      240_000 * scale,
    );

    it(
      'boxes a worker for a user whose home does not exist',
      async () => {
        const { home: owned, tmp } = await ownedFolders();
        const identity = path.join(owned, 'identity.gitconfig');
        await writeFile(identity, IDENTITY);
        await chown(identity, ...(await ids()));
        // Where Debian points users with no home, outside /tmp: in the box, its mount point would be in the
        // read-only system. Nothing may make it.
        const home = '/nonexistent';
        expect(existsSync(home)).toBe(false);
        const output = await scenario({ HOME: home, TMPDIR: tmp, GIT_CONFIG_GLOBAL: identity }, [
          BOXED,
          '-t',
          BOXED_CASE,
        ]);
        expect(output).toMatch(/Tests\s+1 passed/);
      },
      240_000 * scale,
    );
  },
);

/** A git identity as a person has (czar's integration merges are committed as the person). */
const IDENTITY = '[user]\n\tname = Box User\n\temail = box@czar.invalid\n';
/** A boxed worker's whole round, the smaller scenario the home cases run. */
const BOXED = 'tests/integration/sandbox-box.test.ts';
const BOXED_CASE = 'works in a repository of its own';

async function ids(): Promise<[number, number]> {
  const found = await boxUser();
  if (found === undefined) throw new Error(`no user ${USER}`);
  return [found.uid, found.gid];
}

/** A folder and a temp dir in it, both the user's. */
async function ownedFolders(): Promise<{ home: string; tmp: string }> {
  const home = await tempDir('czar-box-user-');
  const tmp = path.join(home, 'tmp');
  await mkdir(tmp);
  for (const owned of [home, tmp]) await chown(owned, ...(await ids()));
  return { home, tmp };
}

/** Runs the vitest `args` as the user with `env` besides a plain one, and returns its output once it passed. */
async function scenario(env: Readonly<Record<string, string>>, args: readonly string[]): Promise<string> {
  // vitest as that user writes nothing in the package: its config read in place, no results cache.
  const run = await asUser(
    [process.execPath, VITEST, 'run', '--configLoader', 'runner', '--no-cache', '--project', 'integration', ...args],
    {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      USER,
      LOGNAME: USER,
      LANG: 'C.UTF-8',
      CZAR_TEST_TIMEOUT_SCALE: String(scale),
      ...env,
    },
    200_000 * scale,
  );
  const output = stripVTControlCharacters(run.all);
  expect(run.exitCode, output).toBe(0);
  return output;
}
