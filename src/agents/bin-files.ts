import { fileURLToPath } from 'node:url';

/**
 * A file in czar's bin/ folder, for an agent to load or run. Two levels up from this module is the package root in
 * src/agents (tsx, vitest), dist/agents (tsc) and dist/czar (the bundled command), so every preset asks here.
 */
export function czarBinFile(name: string): string {
  return fileURLToPath(new URL(`../../bin/${name}`, import.meta.url));
}
