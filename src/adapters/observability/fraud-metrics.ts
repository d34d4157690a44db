import { Counter, type Registry } from 'prom-client';
import type { AuditEntryInput } from '../../core/ports/audit.js';
import type { RatedFlow } from '../../core/ports/fraud.js';

const LABELS: ReadonlySet<string> = new Set(['fraud', 'legitimate']);

/**
 * SLI M3, fraud rate: fraud labels by tenant, source (`person`: a confirmed "this wasn't me"; `operator`: the
 * console) and label, counted from committed audit entries (`fraud.reported`, `fraud.labelled`), so a label
 * counts once it is really recorded. SLI M8, user friction: the anonymous done-page ratings, counted when stored.
 */
export class FraudMetrics {
  private readonly labels: Counter<'tenant' | 'source' | 'label'>;
  private readonly ratings: Counter<'tenant' | 'flow' | 'rating'>;

  constructor(registry: Registry) {
    this.labels = new Counter({
      name: 'unlatch_fraud_labels_total',
      help: 'Fraud labels of resets and changes by source (person: a confirmed "this wasn\'t me" link; operator: the console) and label (fraud, legitimate). SLI M3 with completed resets.',
      labelNames: ['tenant', 'source', 'label'],
      registers: [registry],
    });
    this.ratings = new Counter({
      name: 'unlatch_friction_rating_total',
      help: 'Anonymous "How easy was this?" answers on the done pages by flow (reset, change) and rating (1 very hard … 5 very easy). SLI M8.',
      labelNames: ['tenant', 'flow', 'rating'],
      registers: [registry],
    });
  }

  /** Counts `fraud.reported` and `fraud.labelled` entries as they commit. */
  auditCommitted(entry: AuditEntryInput): void {
    if (entry.event === 'fraud.reported') {
      this.labels.inc({ tenant: entry.tenantId, source: 'person', label: 'fraud' });
    } else if (entry.event === 'fraud.labelled') {
      const label = String(entry.details?.label ?? '');
      if (LABELS.has(label)) this.labels.inc({ tenant: entry.tenantId, source: 'operator', label });
    }
  }

  /** One stored rating (ratings 1–5 only, so labels stay bounded). */
  rated(answer: { tenantId: string; flow: RatedFlow; rating: number }): void {
    if (Number.isInteger(answer.rating) && answer.rating >= 1 && answer.rating <= 5) this.ratings.inc({ tenant: answer.tenantId, flow: answer.flow, rating: String(answer.rating) });
  }
}
