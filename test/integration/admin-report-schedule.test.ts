import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempPostgresDatabase, postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const RECIPIENTS = ['security@example.org', 'ciso@example.org'];

/**
 * Scheduled reports run once across nodes: two apps on one PostgreSQL database check the schedule for the same
 * due time at the same moment; one claims it, so exactly one mail per recipient (the CSV attached) and one
 * `admin.exported` entry by `system` come out, and a later check does not send it again.
 */
describe.runIf(pgUp)('scheduled reports across two nodes', () => {
  let pg: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;
  // One data directory: the nodes share the dev key ring, as production nodes share their configured keys.
  const dataDir = mkdtempSync(join(tmpdir(), 'unlatch-report-nodes-'));

  beforeAll(async () => {
    pg = await createTempPostgresDatabase();
    const overrides = {
      dataDir,
      database: { url: pg.url },
      admin: { reports: { schedules: [{ report: 'coverage', tenant: 'demo', every: 'daily' as const, hourUtc: 0, recipients: RECIPIENTS }] } },
    };
    a = await startTestApp({ overrides });
    b = await startTestApp({ overrides });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends one set of mails and writes one audit entry, whichever node checks', async () => {
    expect(a.app.reports).not.toBeNull();
    const ran = await Promise.all([a.app.reports!.runOnce(), b.app.reports!.runOnce()]);
    expect(ran.reduce((x, y) => x + y, 0)).toBe(1);
    await a.deliverMail();
    await b.deliverMail();
    for (const to of RECIPIENTS) {
      const mails = await a.mailsTo(to);
      expect(mails.length).toBe(1);
      expect(mails[0]!.subject).toMatch(/^Demo Company: Registration coverage \(\d{4}-\d{2}-\d{2}\)$/);
      expect(mails[0]!.text).toMatch(/--- attachment: unlatch-coverage-demo-\d{4}-\d{2}-\d{2}\.csv \(text\/csv; charset=utf-8\) ---/);
      // The demo people have no methods of their own; the demo operator has one.
      expect(mails[0]!.text).toContain('\r\nalice,Alice Archer,alice@example.com');
      expect(mails[0]!.text).not.toContain('\r\nopal,');
    }
    const audit = await a.app.database.db.selectFrom('audit_log').select(['actor', 'details']).where('event', '=', 'admin.exported').execute();
    expect(audit.length).toBe(1);
    expect(audit[0]!.actor).toBe('system');
    expect(JSON.parse(audit[0]!.details)).toMatchObject({ what: 'report', report: 'coverage', recipients: 2, rows: 3 });

    // Checked again for the same due time: already done, nothing more goes out.
    expect(await a.app.reports!.runOnce()).toBe(0);
    expect(await b.app.reports!.runOnce()).toBe(0);
    const runs = await a.app.database.db.selectFrom('report_runs').selectAll().execute();
    expect(runs.length).toBe(1);
    expect(runs[0]!.finished_at).not.toBeNull();
  });
});
