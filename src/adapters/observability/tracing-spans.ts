import { SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';

const tracer = trace.getTracer('unlatch');

/**
 * Runs `work` inside a new active span (a child of the active one). A promise ends the span when it settles; a
 * rejection or throw marks the span as an error with the error's class name only — messages may hold personal data.
 */
export function withSpan<T>(name: string, attributes: Attributes, work: () => T): T {
  return tracer.startActiveSpan(name, { attributes }, (span) => {
    try {
      const result = work();
      if (isThenable(result)) {
        return result.then(
          (value) => { span.end(); return value; },
          (error: unknown) => { fail(span, error); throw error; },
        ) as T;
      }
      span.end();
      return result;
    } catch (error) {
      fail(span, error);
      throw error;
    }
  });
}

/**
 * Decorates `target` so the named methods each run in a span (`spans` maps method name to span name); every other
 * member passes through, bound to the target. Used at composition for the directory, store, mailer, SMS and flows.
 */
export function traced<T extends object>(target: T, spans: Partial<Record<keyof T & string, string>>, attributes: Attributes = {}): T {
  return new Proxy(target, {
    get(obj, prop, _receiver) {
      const value: unknown = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      const name = typeof prop === 'string' ? (spans as Record<string, string | undefined>)[prop] : undefined;
      const fn = value as (...args: unknown[]) => unknown;
      if (name === undefined) return fn.bind(obj);
      return (...args: unknown[]) => withSpan(name, attributes, () => fn.apply(obj, args));
    },
  });
}

function isThenable(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function fail(span: Span, error: unknown): void {
  const kind = error instanceof Error ? error.name : typeof error;
  span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
  span.setAttribute('error.type', kind);
  span.end();
}
