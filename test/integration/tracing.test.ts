import { Writable } from 'node:stream';
import { SpanStatusCode } from '@opentelemetry/api';
import { SMTPServer } from 'smtp-server';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { setTracingActive } from '../../src/adapters/observability/tracing.js';
import { freePort, postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

// One in-memory provider for the file: spans are recorded as the OTLP exporter would see them.
const exporter = new InMemorySpanExporter();
const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [], resourceDetectors: [], serviceName: 'unlatch-test' });

beforeAll(() => {
  sdk.start();
  setTracingActive(true);
});
afterAll(async () => {
  setTracingActive(false);
  await sdk.shutdown();
});

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function only(spans: ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

function childrenOf(spans: ReadableSpan[], parent: ReadableSpan): string[] {
  return spans.filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId).map((s) => s.name);
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.runIf(database === 'sqlite' || pgUp)(`traces of a reset on ${database}`, () => {
    let t: TestApp;
    const lines: string[] = [];
    beforeAll(async () => {
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
          done();
        },
      });
      t = await startTestApp({ database, logger: createLogger('debug', sink) });
      exporter.reset();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('show HTTP span → flow step → directory and SQL children, mail spans, and the trace id in audit and logs', async () => {
      const start = await t.server.inject({
        method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' },
        headers: { traceparent: `00-${CALLER_TRACE}-00f067aa0ba902b7-01` },
      });
      expect(start.statusCode).toBe(202);
      const { flowId } = start.json() as { flowId: string };
      const code = await t.codeFor('alice@example.com');
      expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } })).statusCode).toBe(200);
      const set = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'tangerine orbit walrus 77' } });
      expect(set.statusCode).toBe(200);
      await t.deliverMail();

      const spans = exporter.getFinishedSpans();
      // The caller's traceparent is continued: the start's spans join its trace.
      const [startHttp] = only(spans, 'POST /api/v1/reset');
      expect(startHttp?.spanContext().traceId).toBe(CALLER_TRACE);
      expect(startHttp?.attributes['http.response.status_code']).toBe(202);
      const [startStep] = only(spans, 'reset.start');
      expect(startStep?.parentSpanContext?.spanId).toBe(startHttp!.spanContext().spanId);
      expect(childrenOf(spans, startStep!)).toEqual(expect.arrayContaining(['directory.find', 'db.transaction']));

      const [passwordHttp] = only(spans, 'POST /api/v1/reset/:flowId/password');
      expect(passwordHttp).toBeDefined();
      const [passwordStep] = only(spans, 'reset.password');
      expect(passwordStep?.parentSpanContext?.spanId).toBe(passwordHttp!.spanContext().spanId);
      expect(childrenOf(spans, passwordStep!)).toEqual(expect.arrayContaining(['directory.set_password', 'db.transaction']));
      const [verifyStep] = only(spans, 'reset.verify');
      expect(verifyStep?.parentSpanContext?.spanId).toBe(only(spans, 'POST /api/v1/reset/:flowId/verify')[0]?.spanContext().spanId);
      // Mail leaves from the outbox worker: its own spans, one per message.
      expect(only(spans, 'mail.send').length).toBeGreaterThanOrEqual(2);
      // Flow ids are bearer secrets: never in a span name or attribute.
      expect(JSON.stringify(spans.map((s) => [s.name, s.attributes]))).not.toContain(flowId);

      const audit = await t.app.database.db.selectFrom('audit_log').select(['event', 'correlation_id']).orderBy('seq').execute();
      const passwordTrace = passwordHttp!.spanContext().traceId;
      expect(audit.find((e) => e.event === 'reset.started')?.correlation_id).toBe(CALLER_TRACE);
      expect(audit.find((e) => e.event === 'reset.completed')?.correlation_id).toBe(passwordTrace);

      const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(parsed.some((l) => l.traceId === passwordTrace)).toBe(true);
      expect(parsed.some((l) => l.traceId === CALLER_TRACE && l.msg === 'request completed')).toBe(true);
    });
  });
}

describe('traces of mail through a real SMTP server', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  let accepting = true;
  beforeAll(async () => {
    const port = await freePort();
    // Accepts mail until told to refuse it (a permanent 554, as a server rejecting the message would).
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData: (stream, _session, callback) => {
        stream.on('end', () => callback(accepting ? null : Object.assign(new Error('rejected'), { responseCode: 554 }))).resume();
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    t = await startTestApp({
      overrides: {
        mail: { transport: 'smtp', from: 'Unlatch <no-reply@example.org>', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, connectionTimeoutMs: 1000 } },
        outbox: { backoffSeconds: 0.01, maxBackoffSeconds: 0.02, maxAttempts: 50 },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('has a mail.send span per delivery: OK when SMTP accepts, ERROR (class name only) when it refuses', async () => {
    exporter.reset();
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } })).statusCode).toBe(202);
    await t.app.worker.drain();
    const [sent] = only(exporter.getFinishedSpans(), 'mail.send');
    expect(sent?.status.code).toBe(SpanStatusCode.UNSET);

    accepting = false;
    exporter.reset();
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'bob' } })).statusCode).toBe(202);
    await t.app.worker.runOnce();
    const [failed] = only(exporter.getFinishedSpans(), 'mail.send');
    expect(failed?.status.code).toBe(SpanStatusCode.ERROR);
    expect(failed?.attributes['error.type']).toMatch(/Error$/);
    expect(JSON.stringify(failed?.attributes)).not.toContain('bob');
  });
});
