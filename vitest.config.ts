import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that register a global OpenTelemetry provider: the API keeps the first one for the process, so each of them
 * runs in a fresh module graph of its own. Every other file shares its worker's modules with the files before it
 * (`isolate: false`): the app's module graph is imported once per worker instead of once per file, which took a
 * third of the suite's time. Tests build their own apps, stores and servers, so nothing else is shared between files.
 */
const OWN_MODULE_GRAPH = [
  'test/integration/tracing.test.ts',
  'test/integration/tracing-otlp.test.ts',
  'test/integration/hooks-transport.test.ts',
  'test/unit/tracing-spans.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration suites share PostgreSQL and ports; files run in parallel, tests inside a file in order.
    pool: 'forks',
    // Most files wait on servers (slapd, PostgreSQL, SMTP, Chromium) as much as they compute: one worker more
    // than the cores keeps them busy (vitest's default, cores − 1, is a single worker on a 2-core CI machine).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    env: { OTEL_TRACES_EXPORTER: 'none' },
    projects: [
      { extends: true, test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...OWN_MODULE_GRAPH], isolate: false } },
      { extends: true, test: { name: 'own', include: OWN_MODULE_GRAPH, isolate: true } },
    ],
  },
});
