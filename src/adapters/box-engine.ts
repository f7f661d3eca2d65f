import { readFile } from 'node:fs/promises';
import type { BoxEngine } from '../domain/model/box.js';
import { run } from './process.js';
import { which } from './which.js';

/**
 * The sandbox engine of this machine, found once per process: bubblewrap on Linux. Found means it also ran: a bwrap
 * that cannot make namespaces here (a container without them, an AppArmor rule) is no engine. `CZAR_BWRAP` names
 * another binary (a path), or `none` to run as a machine without one; `CZAR_SOCAT=none` runs as a machine with
 * bubblewrap but no socat (which a boxed worker's network door needs). A trial that never finished (killed at its
 * timeout on a loaded machine) is no lasting answer: the next ask tries again.
 */
const found = new Map<string, Promise<BoxEngine>>();

export function findBoxEngine(): Promise<BoxEngine> {
  const wanted = process.env.CZAR_BWRAP ?? 'bwrap';
  const key = `${wanted}\0${process.env.CZAR_SOCAT ?? ''}`;
  const known = found.get(key);
  if (known !== undefined) return known;
  const answer: Promise<BoxEngine> = probe(wanted).then(({ engine, lasting }) => {
    if (!lasting && found.get(key) === answer) found.delete(key);
    return engine;
  });
  found.set(key, answer);
  return answer;
}

/** The engine, and whether the answer lasts: a trial that never finished (killed, timed out) says nothing for good. */
async function probe(wanted: string): Promise<{ engine: BoxEngine; lasting: boolean }> {
  if (process.platform !== 'linux')
    return none(`czar boxes workers with bubblewrap on Linux, and this is ${process.platform}`);
  if (wanted === 'none') return none('CZAR_BWRAP=none');
  const file = await which(wanted, process.cwd());
  if (file === undefined) return none(`${wanted} is not installed`);
  const [version, trial, socat] = await Promise.all([
    run(file, ['--version'], { allowFailure: true }).catch(() => undefined),
    run(file, ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-net', '--cap-drop', 'ALL', '--', 'true'], {
      allowFailure: true,
      timeoutMs: 10_000,
    }).catch(() => undefined),
    process.env.CZAR_SOCAT === 'none' ? undefined : which('socat', process.cwd()),
  ]);
  if (trial === undefined) return none(`${file} cannot make a box here (its trial did not finish)`, false);
  if (trial.exitCode !== 0)
    return none(`${file} cannot make a box here (${trial.stderr.trim().split('\n')[0] || `exit ${trial.exitCode}`})`);
  const engine: BoxEngine = {
    kind: 'bwrap',
    path: file,
    version: (version?.stdout ?? '').trim() || 'bubblewrap',
    socat,
  };
  return { engine, lasting: true };
}

function none(reason: string, lasting = true): { engine: BoxEngine; lasting: boolean } {
  return { engine: { kind: 'none', reason }, lasting };
}

/**
 * Whether the kernel offers Landlock (listed among its security modules). czar's box does not rely on it (a network
 * namespace does the network, since Landlock's TCP rules need Linux 6.7); `czar doctor` says what is there.
 */
export async function landlockListed(): Promise<boolean> {
  const modules = await readFile('/sys/kernel/security/lsm', 'utf8').catch(() => '');
  return modules.split(',').includes('landlock');
}
