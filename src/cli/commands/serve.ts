import type { UnlatchApp } from '../../app.js';
import { DEMO_USERS } from '../../adapters/store/demo-seed.js';
import { startTracing } from '../../adapters/observability/tracing.js';
import type { Command } from '../command.js';
import { CliFailure, oneLine } from '../errors.js';
import { shutDownGracefully, shutdownTimingOf } from '../graceful-shutdown.js';
import { waitForShutdown, type CliIo } from '../io.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the Unlatch server (portal, API, metrics) until SIGINT or SIGTERM.',
  synopsis: '',
  description:
    'Runs pending migrations first. With outbox.inProcess (the default) it also delivers mail. On SIGINT or SIGTERM ' +
    'it drains: /readyz answers 503 for server.drainDelaySeconds, then in-flight requests and the current delivery ' +
    'finish; past server.shutdownTimeoutSeconds everything is closed and the exit code is 1.',
  options: {},
  async run({ io, config }) {
    const cfg = config();
    // Listening for signals from the start: a stop asked for while starting still ends in a clean close.
    const shutdown = waitForShutdown(io);
    let app: UnlatchApp | null = null;
    let clean = true;
    // Traces only when OTEL_TRACES_EXPORTER asks for them; started before the app so its services get spans.
    const tracing = await startTracing();
    try {
      // Loaded here, not at the top: `--help` and the light commands need not load the whole server.
      const { buildApp } = await import('../../app.js');
      app = await buildApp({ config: cfg });
      let address: string;
      try {
        address = await app.listen();
      } catch (error) {
        throw new CliFailure(`cannot listen on ${cfg.server.host}:${cfg.server.port}: ${oneLine(error)}`);
      }
      await printBanner(io, app, address);
      const signal = await shutdown.signal;
      io.stdout.write(`${signal} received, shutting down\n`);
      const closing = app;
      app = null;
      clean = await shutDownGracefully(closing, shutdownTimingOf(cfg), (timeoutMs) => {
        io.stderr.write(`unlatch serve: shutdown did not finish within ${timeoutMs / 1000} s; closing every connection\n`);
      });
    } finally {
      shutdown.dispose();
      // Only when starting failed half way: a started app was closed above.
      await app?.close();
      await tracing?.shutdown();
    }
    if (!clean) return 1;
    io.stdout.write('stopped\n');
    return 0;
  },
};

async function printBanner(io: CliIo, app: UnlatchApp, address: string): Promise<void> {
  const { config } = app;
  io.stdout.write(`unlatch listening on ${address} (public URL ${config.publicUrl}, ${config.mode} mode)\n`);
  if (config.mode !== 'dev') return;
  // With port 0 the configured public URL has no real port; the address does.
  const base = config.server.port === 0 ? address : config.publicUrl;
  const demo = await Promise.all(DEMO_USERS.map((u) => app.users.exists(config.defaultTenant!, u.username)));
  if (demo.every(Boolean)) io.stdout.write(`demo users: ${DEMO_USERS.map((u) => u.username).join(', ')} — see README\n`);
  if (app.devOutbox) io.stdout.write(`captured mail: ${base}/dev/outbox\n`);
}
