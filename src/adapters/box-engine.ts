import { readFile } from 'node:fs/promises';
import type { BoxEngine } from '../domain/model/box.js';
import { run } from './process.js';
import { which } from './which.js';

/**
 * The sandbox engine of this machine, found once per process: bubblewrap on Linux. Found means it also ran: a bwrap
 * that cannot make namespaces here (a container without them, an AppArmor rule) is no engine. `CZAR_BWRAP` names
 * another binary (a path), or `none` to run as a machine without one; `CZAR_SOCAT=none` runs as a machine with
 * bubblewrap but no socat (which a boxed worker's network door needs).
 */
const found = new Map<string, Promise<BoxEngine>>();

export function findBoxEngine(): Promise<BoxEngine> {
  const wanted = process.env.CZAR_BWRAP ?? 'bwrap';
  const key = `${wanted}\0${process.env.CZAR_SOCAT ?? ''}`;
  let engine = found.get(key);
  if (engine === undefined) {
    engine = probe(wanted);
    found.set(key, engine);
  }
  return engine;
}

async function probe(wanted: string): Promise<BoxEngine> {
  if (process.platform !== 'linux')
    return { kind: 'none', reason: `czar boxes workers with bubblewrap on Linux, and this is ${process.platform}` };
  if (wanted === 'none') return { kind: 'none', reason: 'CZAR_BWRAP=none' };
  const file = await which(wanted, process.cwd());
  if (file === undefined) return { kind: 'none', reason: `${wanted} is not installed` };
  const [version, trial, socat] = await Promise.all([
    run(file, ['--version'], { allowFailure: true }).catch(() => undefined),
    run(file, ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-net', '--cap-drop', 'ALL', '--', 'true'], {
      allowFailure: true,
      timeoutMs: 10_000,
    }).catch(() => undefined),
    process.env.CZAR_SOCAT === 'none' ? undefined : which('socat', process.cwd()),
  ]);
  if (trial === undefined || trial.exitCode !== 0)
    return {
      kind: 'none',
      reason: `${file} cannot make a box here (${(trial?.stderr ?? '').trim().split('\n')[0] || 'it did not run'})`,
    };
  return { kind: 'bwrap', path: file, version: (version?.stdout ?? '').trim() || 'bubblewrap', socat };
}

/**
 * Whether the kernel offers Landlock (listed among its security modules). czar's box does not rely on it (a network
 * namespace does the network, since Landlock's TCP rules need Linux 6.7); `czar doctor` says what is there.
 */
export async function landlockListed(): Promise<boolean> {
  const modules = await readFile('/sys/kernel/security/lsm', 'utf8').catch(() => '');
  return modules.split(',').includes('landlock');
}
