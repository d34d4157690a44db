import { Histogram, type Registry } from 'prom-client';

/** One answered request: the route pattern (`/api/v1/reset/:flowId/verify`), never the raw URL. */
export interface HttpSample {
  method: string;
  route: string;
  status: number;
  seconds: number;
}

const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** `unlatch_http_request_duration_seconds{method,route,status}`. */
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'unlatch_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern (unmatched: no route) and status, from arrival to the response being sent.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Records one request; a method outside the standard ones is `other`, so a caller cannot add label values. */
  observe(sample: HttpSample): void {
    const method = METHODS.has(sample.method) ? sample.method : 'other';
    this.duration.observe({ method, route: sample.route, status: String(sample.status) }, sample.seconds);
  }
}
