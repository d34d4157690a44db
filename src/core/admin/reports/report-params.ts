import { UnlatchError } from '../../errors.js';
import { OVERVIEW_PERIODS, type OverviewPeriod } from '../overview-period.js';

/** The parameters a report may take (each report reads some of them). */
export const REPORT_PARAM_NAMES = ['period', 'days', 'group', 'min'] as const;
export type ReportParamName = (typeof REPORT_PARAM_NAMES)[number];

/** A report's parameters, checked and with their defaults. */
export interface ReportParams {
  /** The window of audit-based reports, as the overview's (`24h`, `7d`, `30d`, `90d`); default `30d`. */
  period: OverviewPeriod;
  /** "Expiring in the next N days": 1–365, default 14. */
  days: number;
  /** Only people in this directory group (exact name); null: everyone. */
  group: string | null;
  /** "Failed repeatedly": at least this many failed proofs, 2–10 000, default 5. */
  min: number;
}

export const DEFAULT_REPORT_PARAMS: ReportParams = { period: '30d', days: 14, group: null, min: 5 };

/**
 * Parameters from a query string or a schedule's `params`: blank or absent fields take their default; a
 * value out of range or of the wrong form is `UnlatchError('invalid_request')` naming the field.
 */
export function reportParamsOf(raw: Readonly<Record<string, unknown>>): ReportParams {
  const text = (name: ReportParamName): string | null => {
    const value = raw[name];
    if (value === undefined || value === null) return null;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') throw new UnlatchError('invalid_request', { field: name });
    return value.trim() === '' ? null : value.trim();
  };
  const whole = (name: ReportParamName, min: number, max: number, fallback: number): number => {
    const value = text(name);
    if (value === null) return fallback;
    if (!/^\d{1,6}$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new UnlatchError('invalid_request', { field: name }, `${name} must be a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
  const period = text('period') ?? DEFAULT_REPORT_PARAMS.period;
  if (!(OVERVIEW_PERIODS as readonly string[]).includes(period)) throw new UnlatchError('invalid_request', { field: 'period' }, `period must be one of ${OVERVIEW_PERIODS.join(', ')}`);
  const group = text('group');
  if (group !== null && (group.length > 256 || /[\u0000-\u001f\u007f]/.test(group))) throw new UnlatchError('invalid_request', { field: 'group' });
  return {
    period: period as OverviewPeriod,
    days: whole('days', 1, 365, DEFAULT_REPORT_PARAMS.days),
    group,
    min: whole('min', 2, 10_000, DEFAULT_REPORT_PARAMS.min),
  };
}

/** The parameters a report reads, as strings (links, audit details, a mail's description). */
export function paramsRecord(params: ReportParams, names: readonly ReportParamName[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = params[name];
    if (value !== null) out[name] = String(value);
  }
  return out;
}
