import { LINK, baseUrl, clean, escapeHtml, formatUtc, layout, para, paraWithLink, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

/** What a scheduled report's mail shows (queued by the report scheduler). */
export interface ReportReadyInput {
  /** The report's id (`coverage`, `locked`, …): its name is `report_ready.name.<id>`. */
  report: string;
  tenantId: string;
  tenantName: string;
  dueAt: Date;
  /** The parameters the report ran with. */
  params: Record<string, string>;
  /** Headline figures (`report_ready.figure.<key>`). */
  figures: Array<{ key: string; value: number }>;
  rows: number;
  /** The CSV was cut at a row boundary (too large to attach whole). */
  truncated: boolean;
  filename: string;
  csv: string;
  publicUrl: string;
  t: MailT;
}

/**
 * A scheduled report: what it is, its headline figures, the CSV attached (RFC 4180, the console export's
 * quoting and formula protection), and a link to the same report in the console.
 */
export function renderReportReady(input: ReportReadyInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const name = tr(`report_ready.name.${safeToken(input.report)}`);
  const url = `${baseUrl(input.publicUrl)}/admin/t/${encodeURIComponent(input.tenantId)}/reports/${encodeURIComponent(input.report)}`;
  const subject = tr('report_ready.subject', { report: name, date: formatUtc(input.dueAt).slice(0, 10) });
  const intro = tr('report_ready.intro', { report: name, when: formatUtc(input.dueAt), count: input.rows });
  const params = Object.entries(input.params).map(([k, v]) => `${clean(k)}: ${clean(v)}`).join(', ');
  const paramsLine = params ? tr('report_ready.params', { params }) : null;
  const figures = input.figures.map((f) => `${tr(`report_ready.figure.${safeToken(f.key)}`)}: ${Number(f.value)}`);
  const attached = tr(input.truncated ? 'report_ready.truncated' : 'report_ready.attached', { filename: clean(input.filename) });
  const open = tr('report_ready.open', { url: LINK });
  const footer = tr('report_ready.footer');

  const text = [intro, ...(paramsLine ? [paramsLine] : []), '', ...figures.map((f) => `  ${f}`), '', attached, withUrl(open, url), '', '-- ', footer].join('\n');
  const html = layout(t, subject, name, footer, [
    para(intro),
    ...(paramsLine ? [para(paramsLine)] : []),
    ...(figures.length > 0 ? [`<ul>${figures.map((f) => `<li>${escapeHtml(f)}</li>`).join('')}</ul>`] : []),
    para(attached),
    paraWithLink(open, url),
  ]);
  return { subject, text, html, attachments: [{ filename: safeFilename(input.filename), contentType: 'text/csv; charset=utf-8', content: input.csv }] };
}

function safeToken(value: string): string {
  return /^[a-z0-9_-]{1,32}$/.test(value) ? value : 'other';
}

function safeFilename(value: string): string {
  const name = value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  return name.endsWith('.csv') ? name : `${name}.csv`;
}
