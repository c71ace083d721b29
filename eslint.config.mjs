// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.tools/', '.data/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // State that closures read before it is first assigned (workflow state) must stay `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    // Workflow code is replayed: no I/O, no Node built-ins, no clients, no zod schemas in the bundle.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'child_process'], message: 'Workflows must not use Node built-ins.' },
            { group: ['**/clients/**', '**/sandbox/**', '**/api/**', '**/config/**'], message: 'Workflows reach the world only through activities.' },
            { group: ['zod'], message: 'Validate at the edges; keep zod out of the workflow bundle.' },
            { group: ['**/activities', '**/activities/*'], message: 'Import activity types only (import type).', allowTypeImports: true },
            { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflows import @temporalio/workflow only.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'Use workflow time (Date is deterministic only via the SDK sandbox; prefer workflowInfo/sleep).' }],
    },
  },
  {
    // The fakes speak the vendors' protocols; they share only contracts and the signing scheme with OpsLoop's edge.
    files: ['src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/api/**', '**/api'], message: 'The sandbox imports contracts and src/signing, never the API it talks to.' }] }],
    },
  },
  {
    // What ships in the image: `npm start`'s tooling (src/local) and the fakes (src/sandbox) stay out of it.
    files: ['src/api/**/*.ts', 'src/worker/**/*.ts', 'src/activities/**/*.ts', 'src/clients/**/*.ts', 'src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/local/**', '**/sandbox/**'], message: 'Production code does not import npm start tooling or the fakes.' }] }],
    },
  },
  {
    // Jest's asymmetric matchers (expect.stringContaining, …) are typed `any`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/unbound-method': 'off' },
  },
  {
    files: ['**/*.mjs', 'jest.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
);
