import { z } from 'zod';
import { listenSchema } from './listen-schema.js';

/** `metrics`: the Prometheus endpoint and the figures it shows beside what it counts. See docs/observability.md. */
export const metricsSchema = z
  .object({
    /**
     * `host:port` of a separate listener for `/metrics` (e.g. `0.0.0.0:9464`). When set, `/metrics` is served
     * there only and no longer on the public port, so it can stay on the monitoring network.
     */
    listen: listenSchema.optional(),
    /**
     * What one helpdesk ticket costs (e.g. `{ amount: 25, currency: EUR }`), shown as `unlatch_helpdesk_ticket_cost`
     * so dashboards can turn self-service completions into savings (SLI M4). Absent: no such gauge.
     */
    helpdeskTicketCost: z
      .object({
        amount: z.number().nonnegative().finite(),
        /** ISO 4217 code, upper case. */
        currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});
