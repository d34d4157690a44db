import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/**
 * Node's default process metrics, prefixed `unlatch_` once (`unlatch_process_cpu_seconds_total`), and
 * `unlatch_build_info{version,node_version} 1`, so dashboards can show which release each node runs.
 */
export function registerProcessMetrics(registry: Registry, options: { version: string; defaultMetrics?: boolean }): void {
  if (options.defaultMetrics !== false) {
    collectDefaultMetrics({ register: registry, prefix: 'unlatch_' });
    replaceActiveResourceGauges(registry);
  }
  const info = new Gauge({
    name: 'unlatch_build_info',
    help: 'Always 1; the labels say which Unlatch release and Node.js version this process runs.',
    labelNames: ['version', 'node_version'],
    registers: [registry],
  });
  info.set({ version: options.version, node_version: process.version }, 1);
}

/**
 * prom-client names three gauges `…_total` (`nodejs_active_handles_total`, `…_requests_total`,
 * `…_resources_total`), which `promtool check metrics` refuses: only counters may end in `_total`. They are
 * replaced by one gauge without the suffix, by resource type, from Node's public `getActiveResourcesInfo()`.
 */
function replaceActiveResourceGauges(registry: Registry): void {
  for (const name of ['active_handles', 'active_requests', 'active_resources']) {
    registry.removeSingleMetric(`unlatch_nodejs_${name}`);
    registry.removeSingleMetric(`unlatch_nodejs_${name}_total`);
  }
  new Gauge({
    name: 'unlatch_nodejs_active_resources',
    help: 'Resources keeping the event loop alive (sockets, timers, file handles, …) by type.',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
      for (const [type, count] of counts) this.set({ type }, count);
    },
  });
}
