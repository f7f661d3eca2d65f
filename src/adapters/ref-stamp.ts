import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * A directory's time may be this close to now and still move again within the file system's clock tick without
 * changing: such a stamp cannot promise that nothing moved after it.
 */
const RACY_MS = 1_000;

/**
 * A stamp of where every local branch points, read from the refs folders' metadata without starting git. git writes a
 * loose ref through a lock file that it renames into place and deletes it to remove the branch, each of which changes
 * its folder's time; it rewrites packed-refs to pack or delete (a new inode). So unmoved folders and packed-refs mean
 * unmoved tips, and a stamp costs a stat per folder where `for-each-ref` costs a process and a stat per branch costs
 * 500 calls in a large fleet. A folder's entries are listed again only when it moved. Undefined when the refs cannot
 * be read or a folder moved too recently to trust: ask git.
 */
export class RefsStamp {
  /** Each refs folder's stat line as last listed, and its sub-folders then. */
  private readonly folders = new Map<string, { readonly stat: string; readonly subfolders: readonly string[] }>();

  constructor(private readonly gitDir: string) {}

  read(now = Date.now()): string | undefined {
    const parts: string[] = [];
    const seen = new Set<string>();
    const walk = (folder: string): boolean => {
      const info = statSync(folder, { bigint: true, throwIfNoEntry: false });
      if (info === undefined || !info.isDirectory() || now - Number(info.mtimeMs) < RACY_MS) return false;
      const stat = `${folder} ${info.ino} ${info.mtimeNs}`;
      parts.push(stat);
      seen.add(folder);
      let known = this.folders.get(folder);
      if (known?.stat !== stat) {
        const subfolders = readdirSync(folder, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => path.join(folder, entry.name));
        known = { stat, subfolders };
        this.folders.set(folder, known);
      }
      return known.subfolders.every(walk);
    };
    try {
      if (!walk(path.join(this.gitDir, 'refs', 'heads'))) return undefined;
      const packed = statSync(path.join(this.gitDir, 'packed-refs'), { bigint: true, throwIfNoEntry: false });
      parts.push(packed === undefined ? 'packed-refs -' : `packed-refs ${packed.ino} ${packed.mtimeNs} ${packed.size}`);
    } catch {
      return undefined;
    }
    for (const folder of this.folders.keys()) if (!seen.has(folder)) this.folders.delete(folder);
    return parts.join('\n');
  }
}
