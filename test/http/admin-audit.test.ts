import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { signInDemoOperator } from './admin-operator.js';
import { type PortalVisitor, visibleText } from './portal-forms.js';

/** The audit area: keyset pages that visit every entry once, entry detail, streamed exports that are audited. */
describe.each(['sqlite', 'postgres'] as const)('console audit on %s', (database) => {
  let t: TestApp;
  let operator: PortalVisitor;
  const STARTS = 120;
  beforeAll(async () => {
    t = await startTestApp({ database });
    for (let i = 0; i < STARTS; i++) {
      await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: `someone-${i}@example.org` } });
    }
    operator = await signInDemoOperator(t);
  });
  afterAll(async () => t.close());

  it('pages through a search with the next link, visiting every matching entry exactly once', async () => {
    let url: string | null = '/admin/t/demo/audit?event=reset.started';
    const seen: string[] = [];
    while (url) {
      const page = await operator.get(url);
      expect(page.statusCode).toBe(200);
      seen.push(...[...page.body.matchAll(/>Entry (\d+)</g)].map((m) => m[1]!));
      url = /<a href="([^"]+)" rel="next">/.exec(page.body)?.[1]?.replace(/&amp;/g, '&') ?? null;
    }
    expect(seen.length).toBe(STARTS);
    expect(new Set(seen).size).toBe(STARTS);
  });

  it('shows one entry, and refuses an entry of nowhere with 404', async () => {
    const list = await operator.get('/admin/t/demo/audit?event=reset.started');
    const href = /<a href="(\/admin\/t\/demo\/audit\/entries\/[^"]+)">/.exec(list.body)![1]!;
    const entry = await operator.get(href);
    expect(entry.statusCode).toBe(200);
    expect(visibleText(entry.body)).toContain('reset.started');
    expect((await operator.get('/admin/t/demo/audit/entries/nope')).statusCode).toBe(404);
  });

  it('exports the search as CSV and JSON lines, and audits each export', async () => {
    const csv = await operator.get('/admin/t/demo/audit/export.csv?event=reset.started');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="unlatch-audit-demo-/);
    const rows = csv.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(rows[0]).toMatch(/^seq,id,at,tenant,event/);
    expect(rows.length).toBe(STARTS + 1);
    const jsonl = await operator.get('/admin/t/demo/audit/export.jsonl?event=reset.started');
    const lines = jsonl.body.trim().split('\n').map((l) => JSON.parse(l) as { event: string });
    expect(lines.length).toBe(STARTS);
    expect(lines.every((l) => l.event === 'reset.started')).toBe(true);
    const exports = await t.app.database.db.selectFrom('audit_log').select(['actor', 'details']).where('event', '=', 'admin.exported').execute();
    expect(exports.length).toBe(2);
    expect(exports.map((e) => JSON.parse(e.details).format).sort()).toEqual(['csv', 'jsonl']);
    expect(exports[0]!.actor).toBe('operator:demo/opal');
  });

  it('refuses a malformed page cursor with a readable 400, not a 500', async () => {
    const res = await operator.get('/admin/t/demo/audit?after=%%%garbage');
    expect(res.statusCode).toBe(400);
  });
});
