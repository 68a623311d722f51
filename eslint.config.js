// Lint, including the import directions of DESIGN.md: a wrong import fails
// `npm test` instead of waiting for a review.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layering from './scripts/lint/noImportCycles.mjs';

const NODE_BUILTINS = [
  'node:*',
  'fs', 'fs/*', 'path', 'os', 'net', 'http', 'https', 'child_process', 'crypto', 'events', 'stream',
  'stream/*', 'util', 'url', 'worker_threads', 'zlib', 'tls', 'dgram', 'dns', 'buffer', 'timers', 'process',
];

const noElectron = { group: ['electron', 'electron/*'], message: 'Only src/main/index.ts, src/main/transport and src/preload may import electron.' };

const restrict = (...patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'docs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { layering },
    rules: {
      // No import cycles, `import type` included (scripts/lint/noImportCycles.mjs).
      'layering/no-import-cycles': 'error',
      // Nor between the runtime's parts (drivers, project, historian, …), even through different files.
      'layering/no-folder-cycles': ['error', { roots: ['src/main/runtime'] }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': restrict(noElectron),
    },
  },
  {
    // The shell: the only places that may touch Electron.
    files: ['src/main/index.ts', 'src/main/transport/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Shared code runs in Node and in the browser: neither may leak in.
    files: ['src/shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': restrict(
        noElectron,
        { group: NODE_BUILTINS, message: 'src/shared is pure TypeScript: no Node modules.' },
        { group: ['**/main/**', '**/renderer/**', '**/preload/**', 'react', 'react-dom', 'zustand'], message: 'src/shared imports nothing above it.' },
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'require', 'navigator', 'localStorage'],
    },
  },
  {
    // Drivers emit values into the tag engine and nothing else.
    files: ['src/main/runtime/drivers/**'],
    rules: {
      'no-restricted-imports': restrict(
        noElectron,
        {
          group: ['**/historian/**', '**/alarms/**', '**/uplink/**', '**/transport/**', '**/renderer/**', '**/api', '**/runtime', '**/eventChannel', '**/eventSources'],
          message: 'Drivers know nothing of the historian, alarms, uplink, transports or UI.',
        },
      ),
    },
  },
  {
    // The runtime is plain Node: no shells, no UI.
    files: ['src/main/runtime/**', 'src/main/simulator/**'],
    ignores: ['src/main/runtime/drivers/**'],
    rules: {
      'no-restricted-imports': restrict(noElectron, {
        group: ['**/transport/**', '**/renderer/**', '**/preload/**'],
        message: 'The runtime does not know its transports or the UI.',
      }),
    },
  },
  {
    // The simulator is a separate plant: it may borrow the Modbus codec, nothing else of the runtime.
    files: ['src/main/simulator/**'],
    rules: {
      'no-restricted-imports': restrict(noElectron, {
        group: ['**/runtime/runtime', '**/runtime/api', '**/runtime/eventChannel', '**/runtime/eventSources', '**/runtime/tags/**', '**/runtime/project/**', '**/transport/**', '**/renderer/**'],
        message: 'The simulator stands apart from the runtime (it may use drivers/modbus/address and codec).',
      }),
    },
  },
  {
    // The renderer talks to the runtime through the contract only.
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        noElectron,
        { group: NODE_BUILTINS, message: 'The renderer runs sandboxed in the browser: no Node modules.' },
        { group: ['**/main/**', '**/preload/**'], message: 'The renderer reaches the runtime through the contract (src/shared) only.' },
      ),
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
