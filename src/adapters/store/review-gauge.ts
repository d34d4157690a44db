import { Gauge, type Registry } from 'prom-client';

/**
 * `unlatch_reviews_pending{tenant}`: resets held for review (risk action `hold`) not yet run out, read from the store
 * at scrape time. Every configured tenant has a series (0 when none waits), so an alert has one before the first hold;
 * when the store cannot answer, the gauge is left out (never a made-up value; `unlatch_store_up` says why).
 */
export function registerReviewGauge(registry: Registry, options: { tenantIds: readonly string[]; read: () => Promise<Record<string, number>> }): void {
  new Gauge({
    name: 'unlatch_reviews_pending',
    help: 'Resets held for review by the risk engine and waiting for an operator (console: Reviews), per tenant. Absent while the store is down.',
    labelNames: ['tenant'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await options.read().catch(() => null);
      if (!counts) return;
      for (const tenant of options.tenantIds) this.set({ tenant }, 0);
      for (const [tenant, count] of Object.entries(counts)) this.set({ tenant }, count);
    },
  });
}
