// The `czar` command's build: src/cli/main.ts and everything it imports, npm packages included, in a few files under
// dist/czar/ (one chunk per command loaded on demand). Every `czar` run, hooks included, then opens a handful of
// files instead of some 600 modules: about a third less CPU for `czar up`, `supervise` and the fleet commands.
// tsc still builds dist/ for the other entry points (the simulated agent) and checks the types.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry a hash of their content: without this, each build leaves the last one's chunks for npm pack.
rmSync('dist/czar', { recursive: true, force: true });

await build({
  entryPoints: ['src/cli/main.ts'],
  outdir: 'dist/czar',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // ink and React load from node_modules when the dashboard opens: ink pulls in optional dev tooling a bundle
  // cannot resolve, and the dashboard is not on a hook's path.
  external: ['ink', 'react', 'react/*'],
  // CommonJS packages (simple-git, cross-spawn) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as czarBundleRequire } from 'node:module'; const require = czarBundleRequire(import.meta.url);",
  },
});
