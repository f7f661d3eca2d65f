import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

/** The modules a source file loads when it is imported: static value imports, not `import type` nor `await import()`. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)';/gms)) {
    specifiers.push(match[1]!);
  }
  return specifiers;
}

/** Every module loaded at start from `entry`: src files by path, packages by name. */
function loadedAtStart(entry: string): Set<string> {
  const seen = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) pending.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
      else seen.add(specifier);
    }
  }
  return seen;
}

describe('the simulated agent start', () => {
  // Twenty sims start at once in a launch: each module loaded at start is paid twenty times in CPU.
  it('loads no zod, execa or simple-git before its first turn', () => {
    const loaded = loadedAtStart(path.join(SRC, 'sim/agent.ts'));
    expect(loaded.has(path.join(SRC, 'sim/report.ts'))).toBe(true);
    expect([...loaded].filter((name) => /^(zod|execa|simple-git)(\/|$)/.test(name))).toEqual([]);
  });
});

describe('czar report', () => {
  // Agent hooks run it several times a turn in every worker: a fleet of hundreds pays each module loaded many times.
  it('loads no zod, execa, simple-git or yaml for a hook or a report', () => {
    const loaded = loadedAtStart(path.join(SRC, 'cli/commands/report.ts'));
    expect(loaded.has(path.join(SRC, 'agents/hook-events.ts'))).toBe(true);
    expect([...loaded].filter((name) => /^(zod|execa|simple-git|yaml)(\/|$)/.test(name))).toEqual([]);
  });
});

describe('czar status', () => {
  // People, scripts and workers poll it; while the czar runs it only prints the file that czar wrote.
  it('loads no zod, execa, simple-git or yaml before it knows whether the czar runs', () => {
    const loaded = loadedAtStart(path.join(SRC, 'cli/commands/status.ts'));
    expect(loaded.has(path.join(SRC, 'fleet/requests.ts'))).toBe(true);
    expect([...loaded].filter((name) => /^(zod|execa|simple-git|yaml)(\/|$)/.test(name))).toEqual([]);
  });
});

describe('czar up', () => {
  it('loads no file watcher before it launches (only to follow the fleet afterwards)', () => {
    const loaded = loadedAtStart(path.join(SRC, 'cli/commands/up.ts'));
    expect(loaded.has(path.join(SRC, 'launch/up-sequence.ts'))).toBe(true);
    expect([...loaded].filter((name) => /^(chokidar|ink|react)(\/|$)/.test(name))).toEqual([]);
  });

  // The first Intl formatter loads ICU's data (some 9 ms here), all before the launch's first worktree.
  it('builds no Intl formatter when its modules load', () => {
    const loaded = loadedAtStart(path.join(SRC, 'cli/commands/up.ts'));
    expect(loaded.has(path.join(SRC, 'launch/up-notes.ts'))).toBe(true);
    const atLoad = [...loaded].filter(
      (file) =>
        file.endsWith('.ts') && /^(?:export\s+)?(?:const|let|var)\s[^\n]*new Intl\./m.test(readFileSync(file, 'utf8')),
    );
    expect(atLoad.map((file) => path.relative(SRC, file))).toEqual([]);
  });
});
