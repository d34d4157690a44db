import { Writable } from 'node:stream';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { SpanStatusCode } from '@opentelemetry/api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { currentTraceIds, startTracing } from '../../src/adapters/observability/tracing.js';
import { traced, withSpan } from '../../src/adapters/observability/tracing-spans.js';

const exporter = new InMemorySpanExporter();
const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [], resourceDetectors: [] });
beforeAll(() => sdk.start());
afterAll(() => sdk.shutdown());
beforeEach(() => exporter.reset());

class Counter {
  #count = 0;
  value = 'plain';
  async bump(by: number): Promise<number> {
    this.#count += by;
    return this.#count;
  }
  fail(): never {
    throw new RangeError('alice@example.com is not allowed');
  }
  untraced(): number {
    return this.#count;
  }
}

describe('traced', () => {
  it('opens a span per named method, keeps private state working, and passes other members through', async () => {
    const counter = traced(new Counter(), { bump: 'counter.bump', fail: 'counter.fail' });
    expect(await counter.bump(2)).toBe(2);
    expect(counter.untraced()).toBe(2);
    expect(counter.value).toBe('plain');
    expect(counter).toBeInstanceOf(Counter);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['counter.bump']);
  });

  it('marks a throw as an error with the class name only, never the message', () => {
    const counter = traced(new Counter(), { fail: 'counter.fail' });
    expect(() => counter.fail()).toThrow(RangeError);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('RangeError');
    expect(JSON.stringify([span?.status, span?.attributes, span?.events])).not.toContain('alice');
  });

  it('ends an async span when its promise rejects, and nests children under the active span', async () => {
    await expect(withSpan('outer', {}, () => withSpan('inner', {}, () => Promise.reject(new TypeError('x'))))).rejects.toThrow(TypeError);
    const spans = exporter.getFinishedSpans();
    const outer = spans.find((s) => s.name === 'outer')!;
    const inner = spans.find((s) => s.name === 'inner')!;
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(outer.status.code).toBe(SpanStatusCode.ERROR);
  });
});

describe('log lines', () => {
  it('carry the active trace id inside a span and none outside', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger('info', sink);
    log.info('outside');
    const ids = withSpan('work', {}, () => {
      log.info('inside');
      return currentTraceIds();
    });
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines.find((l) => l.msg === 'inside')).toMatchObject({ traceId: ids!.traceId, spanId: ids!.spanId });
    expect(lines.find((l) => l.msg === 'outside')).not.toHaveProperty('traceId');
  });
});

describe('startTracing', () => {
  it('starts nothing unless OTEL_TRACES_EXPORTER names an exporter', async () => {
    expect(await startTracing({})).toBeNull();
    expect(await startTracing({ OTEL_TRACES_EXPORTER: 'none' })).toBeNull();
    expect(await startTracing({ OTEL_TRACES_EXPORTER: ' None ' })).toBeNull();
    expect(await startTracing({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBeNull();
  });
});
