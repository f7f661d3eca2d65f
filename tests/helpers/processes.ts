import { readFile } from 'node:fs/promises';

/** Whether a process runs. A killed process whose parent is gone stays a zombie until init reaps it: that counts as dead. */
export async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && !/^\d+ \(.*\) Z/.test(stat);
}
