import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'tools/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // The core knows nothing of the terminal, HTTP, the database or the SDK (its tests may use the SDK's error classes).
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['mongoose', 'stripe', 'node:http', 'chalk', 'cli-table3', '@inquirer/*', 'commander'] }],
    },
  },
  {
    // Imports point inward: only src/store imports mongoose, only src/stripe imports the SDK.
    files: ['src/commands/**/*.ts', 'src/webhook/**/*.ts', 'src/io/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['mongoose', 'mongodb', 'stripe'], patterns: ['mongoose/*', 'mongodb/*', 'stripe/*'] }],
    },
  },
  {
    // Code that runs as CommonJS: the bin (see its comment) and the bundle's import.meta.url shim.
    files: ['bin/**/*.cjs', 'scripts/*.cjs', 'scripts/import-meta-url.js'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.test.ts', 'bin/**/*.cjs'],
    rules: { 'no-console': 'off' },
  },
);
