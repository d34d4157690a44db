import { expect } from 'vitest';
import type { RawConfig } from '../../src/config/schema.js';
import { formatBackupCode, hashBackupCode, newBackupCodes, normalizeBackupCode } from '../../src/core/methods/backup_code/backup-codes.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

export const OPERATOR_SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
/** The caller's own authenticator app (alice's, or the protected person's). */
export const PERSON_SEED = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
export const PHONE = '+15551230077';
const PASSWORD = 'helpdesk operator pass phrase';

/** Operators of the demo tenant by role, and a protected person (in `admins`, the default excluded group). */
export const HELPDESK_OPERATORS = [
  { name: 'hal', group: 'g-helpdesk' },
  { name: 'ada', group: 'g-admin' },
  { name: 'abe', group: 'g-admin' },
  { name: 'aud', group: 'g-auditor' },
] as const;

export type OperatorName = (typeof HELPDESK_OPERATORS)[number]['name'];

export interface HelpdeskFixture {
  t: TestApp;
  visitors: Map<OperatorName, PortalVisitor>;
  /** Alice's id and her methods' ids. */
  alice: { id: string; phoneId: string; totpId: string; backupCodes: string[] };
  /** A protected person (group `admins`) with an authenticator app. */
  root: { id: string };
  close(): Promise<void>;
}

/** The real app with three operators signed in, alice with a phone, an app and backup codes, and a protected person. */
export async function startHelpdesk(options: { database?: 'sqlite' | 'postgres'; overrides?: RawConfig; smsUrl?: string } = {}): Promise<HelpdeskFixture> {
  const t = await startTestApp({
    database: options.database,
    overrides: {
      tenants: [{ id: 'demo', name: 'Demo', operators: [{ group: 'g-admin', role: 'admin' }, { group: 'g-helpdesk', role: 'helpdesk' }, { group: 'g-auditor', role: 'auditor' }] }],
      ...(options.smsUrl ? { sms: { providers: [{ type: 'webhook', url: options.smsUrl, timeoutMs: 2000 }] } } : {}),
      // Generous limits: the limits have their own test.
      helpdesk: { limits: { perAgent: { points: 1000, durationSeconds: 3600 }, perPerson: { points: 1000, durationSeconds: 3600 } } },
      ...options.overrides,
    },
  });
  const admin = t.app.admin!;
  const now = () => t.clock.now();
  const visitors = new Map<OperatorName, PortalVisitor>();
  for (const op of HELPDESK_OPERATORS) {
    const id = await t.app.users.insert({ tenantId: 'demo', username: op.name, displayName: op.name.toUpperCase(), groups: [op.group], passwordHash: await t.app.hasher.hash(PASSWORD) }, now());
    await admin.methods.add({ tenantId: 'demo', subjectId: id, kind: 'totp', name: 'app', secret: OPERATOR_SEED, confirmed: true }, now());
    t.clock.advance(31);
    const client = { ip: '127.0.0.1', userAgent: 'helpdesk-test', correlationId: 'helpdesk-test' };
    const started = await admin.signIn.start({ tenantId: 'demo', identifier: op.name, password: PASSWORD, client });
    const proven = await admin.signIn.proveTotp({ token: started.token, code: totpAt(OPERATOR_SEED, now().getTime()), client });
    if (!proven.ok) throw new Error(`sign-in of ${op.name} failed`);
    const visitor = new PortalVisitor(t);
    visitor.cookies.set('unlatch_admin', { value: t.server.signCookie(proven.token), path: '/' });
    visitors.set(op.name, visitor);
  }
  const alice = await t.accountOf('alice');
  const phoneId = await admin.methods.add({ tenantId: 'demo', subjectId: alice.id, kind: 'sms_code', name: 'Mobile', data: { phone: PHONE }, confirmed: true }, now());
  const totpId = await admin.methods.add({ tenantId: 'demo', subjectId: alice.id, kind: 'totp', name: 'Phone app', secret: PERSON_SEED, confirmed: true }, now());
  const backupCodes = newBackupCodes(3).map((c) => formatBackupCode(normalizeBackupCode(c)!));
  await admin.methods.replaceBackupCodes('demo', alice.id, backupCodes.map((c) => hashBackupCode(t.app.keys, normalizeBackupCode(c)!)), now());
  const rootId = await t.app.users.insert({ tenantId: 'demo', username: 'root-ann', email: 'ann@example.com', displayName: 'Ann Root', groups: ['admins'], passwordHash: await t.app.hasher.hash('another long pass phrase') }, now());
  await admin.methods.add({ tenantId: 'demo', subjectId: rootId, kind: 'totp', name: 'Phone app', secret: PERSON_SEED, confirmed: true }, now());
  return { t, visitors, alice: { id: alice.id, phoneId, totpId, backupCodes }, root: { id: rootId }, close: () => t.close() };
}

/** The person's helpdesk page URL. */
export const personUrl = (id: string) => `/admin/t/demo/helpdesk/people/${encodeURIComponent(id)}`;

/** Starts a check and answers it with the person's current authenticator code; expects it to pass. */
export async function passTotpCheck(f: HelpdeskFixture, who: OperatorName, subjectId: string, methodId: string, ticket = 'INC-1001'): Promise<void> {
  const v = f.visitors.get(who)!;
  await v.get(personUrl(subjectId));
  const started = await v.post(`${personUrl(subjectId)}/check`, { ticket, method: methodId });
  expect(started.statusCode, visibleText(started.body)).toBe(303);
  const page = await v.get(personUrl(subjectId));
  const checkId = page.body.match(/name="checkId" value="([^"]+)"/)?.[1];
  if (!checkId) throw new Error('no pending check on the page');
  f.t.clock.advance(31);
  const answered = await v.post(`${personUrl(subjectId)}/answer`, { checkId, code: totpAt(PERSON_SEED, f.t.clock.now().getTime()) });
  expect(answered.statusCode, visibleText(answered.body)).toBe(303);
}

/** The pending check's id on the person's page (after a GET). */
export function pendingCheckId(html: string): string {
  const id = html.match(/name="checkId" value="([^"]+)"/)?.[1];
  if (!id) throw new Error('no pending check on the page');
  return id;
}

/** Audit entries of an event, details parsed. */
export async function auditOf(t: TestApp, event: string): Promise<Array<{ actor: string; outcome: string; subject_id: string | null; details: Record<string, unknown> }>> {
  const rows = await t.app.database.db.selectFrom('audit_log').select(['actor', 'outcome', 'subject_id', 'details']).where('event', '=', event).orderBy('seq').execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
