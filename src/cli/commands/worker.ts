import { startTracing } from '../../adapters/observability/tracing.js';
import type { Command } from '../command.js';
import { waitForShutdown } from '../io.js';

/** Passes of `--once` before it stops even if messages keep coming due. */
const MAX_ONCE_ROUNDS = 1000;

export const workerCommand: Command = {
  name: 'worker',
  summary: 'Run the outbox delivery worker on its own (no HTTP), until SIGINT or SIGTERM.',
  synopsis: '[--once]',
  description: 'For deployments that set outbox.inProcess: false on the server nodes. Runs pending migrations first.',
  options: {
    once: { type: 'boolean', description: 'deliver everything that is due, then exit' },
  },
  async run({ io, config, values }) {
    const cfg = config();
    const { buildApp } = await import('../../app.js');
    // Mail and SMS deliveries get spans when OTEL_TRACES_EXPORTER asks for traces.
    const tracing = await startTracing();
    const app = await buildApp({ config: cfg, startWorker: false });
    try {
      if (values.once === true) {
        let handled = 0;
        for (let round = 0; round < MAX_ONCE_ROUNDS; round++) {
          const n = await app.worker.runOnce();
          if (n === 0) break;
          handled += n;
        }
        io.stdout.write(`outbox: ${handled} message${handled === 1 ? '' : 's'} handled, ${await app.outboxQueue.backlog()} waiting\n`);
        return 0;
      }
      const shutdown = waitForShutdown(io);
      // The worker's own timer is unref'd (it must not keep a server alive); this one keeps the process up.
      const keepAlive = setInterval(() => undefined, 60_000);
      try {
        app.worker.start();
        io.stdout.write(`outbox worker running (poll every ${cfg.outbox.pollIntervalMs} ms); stop with Ctrl-C or SIGTERM\n`);
        const signal = await shutdown.signal;
        io.stdout.write(`${signal} received, shutting down\n`);
      } finally {
        clearInterval(keepAlive);
        shutdown.dispose();
      }
      return 0;
    } finally {
      await app.close();
      await tracing?.shutdown();
    }
  },
};
