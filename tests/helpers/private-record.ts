import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Points the czars this process starts at a record of outcomes and lessons of its own (`CZAR_LEARN_DIR`), never the
 * person's, removed when the process ends; one already set is kept.
 */
export function usePrivateRecord(prefix: string): void {
  if (process.env.CZAR_LEARN_DIR !== undefined) return;
  const learnDir = mkdtempSync(path.join(tmpdir(), prefix));
  process.env.CZAR_LEARN_DIR = learnDir;
  process.on('exit', () => rmSync(learnDir, { recursive: true, force: true }));
}
