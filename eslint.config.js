import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

// Import boundaries keep the folder tree honest: only adapters start processes or watch files, only ui/ renders,
// and the domain stays pure.
const ioLibraries = ['execa', 'simple-git', 'chokidar', 'node:child_process', 'child_process'];
const uiLibraries = ['ink', 'react', 'ink-testing-library'];
const boundaries = (folders) =>
  Object.entries(folders).map(([folder, rule]) => ({
    files: [`${folder}/**/*.ts`, `${folder}/**/*.tsx`],
    rules: {
      'no-restricted-imports': ['error', {
        paths: rule.paths.map((name) => ({ name, message: `${folder} does not import ${name}: I/O goes through src/adapters, rendering stays in src/ui` })),
        patterns: [{ group: rule.folders.map((name) => `**/${name}/*`), message: `${folder} must not depend on these folders (imports point inward)` }],
      }],
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
  // One entry per folder: flat config replaces (not merges) a rule set twice for the same file.
  ...boundaries({
    'src/domain': { paths: [...ioLibraries, ...uiLibraries, 'node:fs', 'node:fs/promises'], folders: ['adapters', 'cli', 'ui', 'supervisor', 'launch', 'fleet', 'integration'] },
    'src/config': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet'] },
    'src/agents': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet'] },
    'src/adapters': { paths: uiLibraries, folders: ['cli', 'ui', 'supervisor', 'launch', 'fleet', 'integration'] },
    'src/fleet': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui', 'supervisor', 'launch', 'integration'] },
    'src/launch': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui', 'integration', 'supervisor'] },
    'src/integration': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui', 'supervisor'] },
    'src/supervisor': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui'] },
    'src/sim': { paths: [...ioLibraries, ...uiLibraries], folders: ['cli', 'ui'] },
    'src/ui': { paths: ioLibraries, folders: ['cli', 'adapters'] },
  }),
);
