import tseslint from 'typescript-eslint';
import unlatch from './eslint-rules/index.js';

/** The layers of DESIGN.md, first matching prefix wins, and what each may import besides itself. */
const LAYERS = [
  { name: 'core', prefixes: ['src/core/'], mayImport: [] },
  { name: 'config', prefixes: ['src/config/'], mayImport: ['core'] },
  // The store adapter runs the migrations.
  { name: 'adapters', prefixes: ['src/adapters/'], mayImport: ['core', 'config', 'support', 'migrations'] },
  { name: 'http', prefixes: ['src/http/'], mayImport: ['core', 'config', 'support'] },
  { name: 'cli', prefixes: ['src/cli/'], mayImport: ['core', 'config', 'adapters', 'http', 'root', 'support'] },
  // Leaf helpers every outer layer may use: where the package is installed, its version.
  { name: 'support', prefixes: ['src/package-root.ts', 'src/version.ts'], mayImport: [] },
  // The composition root: app.ts and the console's wiring, the only places that know every piece.
  { name: 'root', prefixes: ['src/'], mayImport: ['core', 'config', 'adapters', 'http', 'support'] },
  { name: 'migrations', prefixes: ['migrations/'], mayImport: ['core', 'adapters'] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // No import cycles, and no import against the layering (DESIGN.md, "Layers and where code lives").
    files: ['src/**/*.ts', 'migrations/**/*.ts'],
    plugins: { unlatch },
    rules: {
      'unlatch/no-import-cycles': 'error',
      'unlatch/layers': ['error', { layers: LAYERS }],
    },
  },
  {
    // The domain stays pure: everything with I/O arrives through a port.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:fs', 'node:fs/*', 'fs', 'node:net', 'node:http', 'node:https', 'node:child_process', 'node:dgram', 'node:tls'], message: 'src/core must not do I/O; add a port.' },
          { group: ['fastify', 'fastify/*', '@fastify/*', 'kysely', 'better-sqlite3', 'pg', 'nodemailer', 'ldapts', 'ioredis', 'pino'], message: 'src/core must not import adapters or frameworks; add a port.' },
          { group: ['**/adapters/**', '**/http/**', '**/cli/**', '**/config/**', '**/app'], message: 'src/core must not depend on outer layers.' },
        ],
      }],
    },
  },
);
