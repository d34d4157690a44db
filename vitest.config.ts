import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share PostgreSQL and ports; files run in parallel, tests inside a file in order.
    pool: 'forks',
    // Most files wait on servers (slapd, PostgreSQL, SMTP, Chromium) as much as they compute: one worker more
    // than the cores keeps them busy (vitest's default, cores − 1, is a single worker on a 2-core CI machine).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    env: { OTEL_TRACES_EXPORTER: 'none' },
  },
});
