import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';

/** The files the sim agents saved into CZAR_SIM_CAPTURE_DIR (`<worker>-<n>.txt`, one a message received), sorted. */
export async function capturedFiles(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).filter((file) => file.endsWith('.txt')).sort() : [];
}
