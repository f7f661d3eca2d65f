import { readdir, readFile } from 'node:fs/promises';

/** Whether a process runs. A killed process whose parent is gone stays a zombie until init reaps it: that counts as dead. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}

/** The live processes whose command line names `text` (a fleet's folder, say), as pid and command line. */
export async function processesNaming(text: string): Promise<string[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid);
  const found = await Promise.all(
    pids.map(async (pid) => {
      const command = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ').trim();
      return command.includes(text) && (await alive(Number(pid))) ? `${pid} ${command}` : undefined;
    }),
  );
  return found.filter((line) => line !== undefined);
}
