import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTracing, tracingActive } from '../../src/adapters/observability/tracing.js';
import { withSpan } from '../../src/adapters/observability/tracing-spans.js';

/** A local OTLP/HTTP receiver: records each export request's path, content type and body size. */
const received: { path: string; type: string; bytes: number }[] = [];
const receiver = createServer((req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', type: String(req.headers['content-type']), bytes: Buffer.concat(chunks).length });
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const savedEnv = { ...process.env };
afterAll(async () => {
  process.env = savedEnv;
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('startTracing from the standard OTEL_* variables', () => {
  it('exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, and stops on shutdown', async () => {
    const { port } = receiver.address() as AddressInfo;
    // The SDK reads process.env itself; this file runs in its own worker.
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${port}`;
    process.env.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
    process.env.OTEL_METRICS_EXPORTER = 'none';
    process.env.OTEL_LOGS_EXPORTER = 'none';
    const handle = await startTracing(process.env);
    expect(handle).not.toBeNull();
    expect(tracingActive()).toBe(true);
    await withSpan('reset.start', {}, async () => undefined);
    await handle!.shutdown();
    expect(tracingActive()).toBe(false);
    expect(received.some((r) => r.path === '/v1/traces' && r.bytes > 0)).toBe(true);
  });
});
