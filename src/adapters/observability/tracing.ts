import { trace } from '@opentelemetry/api';

/**
 * Whether spans are being recorded in this process. Set by {@link startTracing} (from `OTEL_*`) or by a test that
 * registers its own provider; the composition root decorates services only when it is on, so tracing that is off
 * costs nothing on the hot path.
 */
let active = false;

/** True once a tracer provider records spans in this process. */
export function tracingActive(): boolean {
  return active;
}

/** Marks tracing on or off; for the entry points and for tests that register an in-memory provider. */
export function setTracingActive(on: boolean): void {
  active = on;
}

/** A started OpenTelemetry SDK; flush and stop it on shutdown. */
export interface TracingHandle {
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry Node SDK when the standard variables ask for traces: `OTEL_TRACES_EXPORTER` set to something
 * other than `none` (e.g. `otlp`), with `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME` and the rest read by the SDK
 * itself. Unset or `none`: nothing starts and null is returned. No auto-instrumentation: Unlatch opens its own spans.
 * The SDK (with its exporters, ~9 MB of a node's heap) is loaded only then.
 */
export async function startTracing(env: NodeJS.ProcessEnv = process.env): Promise<TracingHandle | null> {
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (!exporter || exporter === 'none' || env.OTEL_SDK_DISABLED === 'true') return null;
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? 'unlatch', instrumentations: [] });
  sdk.start();
  active = true;
  return {
    async shutdown() {
      active = false;
      await sdk.shutdown();
    },
  };
}

/** The ids of the span active here, for log lines and audit entries; null outside a recorded trace. */
export function currentTraceIds(): { traceId: string; spanId: string } | null {
  const span = trace.getActiveSpan();
  if (!span) return null;
  const ctx = span.spanContext();
  return trace.isSpanContextValid(ctx) ? { traceId: ctx.traceId, spanId: ctx.spanId } : null;
}
