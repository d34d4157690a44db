// Phase C: the start step alone, with autocannon's programmatic API. Each request names the next
// account of a rotation (bench-user-N for "known", ghost-user-N for "unknown": same length, so the
// bodies are byte-for-byte the same size) so no single account or rate-limit key is hammered.
// Latencies are kept raw (autocannon's own histogram rounds to whole milliseconds, too coarse for
// the 0.5 ms target), from autocannon's per-response timings.
import autocannon from 'autocannon';
import { summarize } from './stats.mjs';

export function identifiers(kind, count) {
  const prefix = kind === 'known' ? 'bench-user-' : 'ghost-user-';
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** @param {{ url: string, names: string[], connections: number, durationSeconds: number }} options */
export async function runStarts({ url, names, connections, durationSeconds }) {
  const target = new URL('/api/v1/reset', url);
  if (target.hostname !== '127.0.0.1') throw new Error(`bench traffic goes to 127.0.0.1 only, not ${target.hostname}`);
  let next = 0;
  const bodies = names.map((identifier) => JSON.stringify({ identifier }));
  const latencies = [];
  const statuses = new Map();

  const instance = autocannon({
    url: target.href,
    connections,
    duration: durationSeconds,
    timeout: 10,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'unlatch-bench' },
    requests: [
      {
        method: 'POST',
        path: target.pathname,
        setupRequest(request) {
          request.body = bodies[next];
          next = (next + 1) % bodies.length;
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    if (statusCode === 202) latencies.push(responseTime);
  });
  const result = await instance;
  const accepted = statuses.get(202) ?? 0;
  // autocannon's own duration (from its start to its stop), not the requested one.
  const seconds = result.duration;
  return {
    connections,
    durationSeconds: seconds,
    accepted,
    startsPerSecond: accepted / seconds,
    statuses: Object.fromEntries(statuses),
    errors: result.errors,
    timeouts: result.timeouts,
    latency: summarize(latencies),
    latencies,
    autocannon: { p50: result.latency.p50, p99: result.latency.p99, requestsAverage: result.requests.average },
  };
}
