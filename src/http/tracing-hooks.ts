import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const tracer = trace.getTracer('unlatch');
/** The server span of each request; a WeakMap so nothing is added to the request object's shape. */
const spans = new WeakMap<FastifyRequest, Span>();

/**
 * One server span per request, named `METHOD /route/:pattern` (never the raw URL: flow ids are secrets), continuing a
 * caller's W3C `traceparent`. Handlers run with it active, so the flow-step, directory, SQL and mail spans they open are
 * its children. Registered only when tracing is on (see `tracingActive`), before any route.
 */
export function registerTracing(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function tracedHandler(this: FastifyInstance, request, reply) {
      const span = spans.get(request);
      if (!span) return handler.call(this, request, reply);
      return context.with(trace.setSpan(context.active(), span), handler, this, request, reply);
    };
  });
  app.addHook('onRequest', (request, reply, done) => {
    const pattern = request.routeOptions.url;
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer.startSpan(pattern ? `${request.method} ${pattern}` : request.method, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, ...(pattern ? { 'http.route': pattern } : {}) },
    }, parent);
    spans.set(request, span);
    const ids = span.spanContext();
    // Fastify's own lines for this request ("request completed") carry the trace id too.
    if (trace.isSpanContextValid(ids)) {
      // Both: Fastify logs "request completed" through the reply's logger.
      const log = request.log.child({ traceId: ids.traceId, spanId: ids.spanId });
      request.log = log;
      reply.log = log;
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      spans.delete(request);
    }
    done();
  });
  // A client that hangs up gets no onResponse; its span still ends.
  app.addHook('onRequestAbort', (request, done) => {
    spans.get(request)?.end();
    spans.delete(request);
    done();
  });
}

/** The trace id of the request's span, or null when tracing is off; audit entries take it as their correlation id. */
export function traceIdOf(request: FastifyRequest): string | null {
  const span = spans.get(request);
  if (!span) return null;
  const ids = span.spanContext();
  return trace.isSpanContextValid(ids) ? ids.traceId : null;
}
