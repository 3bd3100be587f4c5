// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node builtins, by bare name and with the `node:` prefix. */
const nodeBuiltins = [
  'assert',
  'async_hooks',
  'buffer',
  'child_process',
  'cluster',
  'crypto',
  'dgram',
  'dns',
  'events',
  'fs',
  'fs/promises',
  'http',
  'http2',
  'https',
  'net',
  'os',
  'path',
  'perf_hooks',
  'process',
  'readline',
  'stream',
  'timers',
  'tls',
  'url',
  'util',
  'v8',
  'vm',
  'worker_threads',
  'zlib',
].flatMap((name) => [name, `node:${name}`]);

const noNode = {
  paths: nodeBuiltins.map((name) => ({ name, message: 'Pure and workflow code must not use Node APIs.' })),
};
const noServerSide = [
  {
    group: ['@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing'],
    message: 'Only activities, the worker and clients may use these.',
  },
  {
    group: ['**/src/api/**', '**/src/cli/**', '**/api/*', '**/cli/*', '**/activities/**'],
    message: 'Data flows one way: pure and workflow code never imports the API, CLI or activity implementations.',
  },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'coverage/',
      '.data/',
      '.cache/',
      'bench/results/',
      '.stryker-tmp/',
      'reports/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', '*.mjs', 'bin/*.js', 'src/console/assets/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Handlers registered before a value is loaded read it later: let is right there.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain JS config/bin files are CommonJS scripts.
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { ...tseslint.configs.disableTypeChecked.rules, '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The console's own script runs in the browser.
    files: ['src/console/assets/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['eslint.config.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Deterministic workflow code: sandboxed, no Node, no client/worker/activity packages; from activities/ only the
    // types that proxyActivities needs (an activity's code must never be bundled into a workflow).
    files: ['workflows/**/*.ts', 'bench/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...noNode,
          patterns: [
            ...noServerSide.filter((p) => !p.group.includes('**/activities/**')),
            {
              group: ['**/src/api/**', '**/src/cli/**', '**/api/*', '**/cli/*'],
              message: 'Data flows one way: workflow code never imports the API or the CLI.',
            },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Workflow code imports only types from activities/ (call activities through proxyActivities).',
            },
          ],
        },
      ],
    },
  },
  {
    // Pure domain, SLA arithmetic, what both sides of a ticket system share: no Node, no I/O, no server-side Temporal.
    files: ['src/domain/**/*.ts', 'src/sla/**/*.ts', 'src/ticket-systems/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { ...noNode, patterns: noServerSide }] },
  },
  {
    // Outbound adapters share with the inbound parsers only what is in src/ticket-systems; never the parsers themselves.
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/webhooks/**', '**/src/api/**', '**/src/cli/**', '**/workflows/**'],
              message:
                'Activities are the outbound side: share with the inbound webhook parsers through src/ticket-systems, never import them, the API, the CLI or workflow code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Inbound webhook parsing: never the outbound adapters, the API or the CLI.
    files: ['src/webhooks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../activities', '../../activities/**', '**/api/**', '**/cli/**', '**/workflows/**'],
              message: 'Webhook parsing is pure input handling: share with the adapters through src/ticket-systems.',
            },
          ],
        },
      ],
    },
  },
  {
    // Configuration is read below everything that uses it: it imports no route, server, CLI or activity code.
    files: ['src/config/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../activities', '../../activities/**', '**/api/**', '**/cli/**', '**/workflows/**'],
              message:
                'Configuration is read below its users: it never imports the API, the CLI, activities or workflows.',
            },
          ],
        },
      ],
    },
  },
  {
    // Machines are pure XState: no Temporal at all.
    files: ['src/machines/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNode,
          patterns: [...noServerSide, { group: ['@temporalio/*'], message: 'Machines know nothing of Temporal.' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // jest's expect(...).rejects and mocks trip these without adding safety in tests.
      '@typescript-eslint/unbound-method': 'off',
      // Tests build deliberately wrong inputs (configs, payloads) that no type describes.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  prettier,
);
