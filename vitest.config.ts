import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share PostgreSQL and ports; files run in parallel, tests inside a file in order.
    pool: 'forks',
    env: { OTEL_TRACES_EXPORTER: 'none' },
  },
});
