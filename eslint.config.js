import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import prettier from 'eslint-config-prettier';

// Import boundaries keep the folder tree honest: only adapters start processes, watch or touch files, only ui/
// renders, and the domain stays pure.
const ioLibraries = ['execa', 'simple-git', 'chokidar', 'node:child_process', 'child_process'];
const fsModules = ['node:fs', 'node:fs/promises', 'fs', 'fs/promises'];
const uiLibraries = ['ink', 'react', 'ink-testing-library'];
const boundaries = (folders) =>
  Object.entries(folders).map(([folder, rule]) => ({
    files: [`${folder}/**/*.ts`, `${folder}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: rule.paths.map((name) => ({
            name,
            message: `${folder} does not import ${name}: I/O goes through src/adapters, rendering stays in src/ui`,
          })),
          ...(rule.folders.length === 0
            ? {}
            : {
                patterns: [
                  {
                    group: rule.folders.map((name) => `**/${name}/*`),
                    message: `${folder} must not depend on these folders (imports point inward)`,
                  },
                ],
              }),
        },
      ],
    },
  }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ui/**/*.tsx', 'src/ui/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  { files: ['bin/**/*.js', '*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
  { files: ['*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } } },
  // czar web's page runs in the browser as one inline script, with no build step.
  {
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['document', 'location', 'URLSearchParams', 'EventSource', 'fetch', 'setTimeout', 'requestAnimationFrame'].map(
          (name) => [name, 'readonly'],
        ),
      ),
    },
  },
  // One entry per folder: flat config replaces (not merges) a rule set twice for the same file.
  ...boundaries({
    'src/domain': {
      paths: [...ioLibraries, ...fsModules, ...uiLibraries],
      folders: ['adapters', 'cli', 'ui', 'supervisor', 'launch', 'fleet', 'integration'],
    },
    'src/config': {
      paths: [...ioLibraries, ...fsModules, ...uiLibraries],
      folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet'],
    },
    'src/agents': {
      paths: [...ioLibraries, ...fsModules, ...uiLibraries],
      folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet'],
    },
    'src/adapters': { paths: uiLibraries, folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet', 'integration'] },
    'src/fleet': {
      paths: [...ioLibraries, ...fsModules, ...uiLibraries],
      folders: ['cli', 'ui', 'supervisor', 'launch', 'integration'],
    },
    'src/launch': {
      paths: [...ioLibraries, ...fsModules, ...uiLibraries],
      folders: ['cli', 'ui', 'integration', 'supervisor'],
    },
    'src/integration': { paths: [...ioLibraries, ...fsModules, ...uiLibraries], folders: ['cli', 'ui', 'supervisor'] },
    'src/supervisor': { paths: [...ioLibraries, ...fsModules, ...uiLibraries], folders: ['cli', 'ui'] },
    // Exempt from the file-system rule: the simulated agent is an executable test fixture (bin/czar-sim-agent.js), a
    // program of its own that writes its files (work, reports, transcripts) with node:fs as a real agent would.
    'src/sim': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui'] },
    'src/web': { paths: [...ioLibraries, ...fsModules, ...uiLibraries], folders: ['cli', 'ui', 'supervisor'] },
    'src/ui': { paths: [...ioLibraries, ...fsModules], folders: ['cli', 'adapters'] },
    'src/demo': {
      paths: [...ioLibraries, ...fsModules, ...uiLibraries],
      folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet'],
    },
    // The composition root wires everything together; it writes to the terminal itself, and files through adapters.
    'src/cli': { paths: [...ioLibraries, ...fsModules], folders: [] },
  }),
  // Last, so no rule about layout fights Prettier, which owns it.
  prettier,
);
