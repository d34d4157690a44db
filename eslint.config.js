import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
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
