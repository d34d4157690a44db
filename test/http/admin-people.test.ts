import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { signInDemoOperator } from './admin-operator.js';
import { type PortalVisitor, visibleText } from './portal-forms.js';

/** The People area: search across the tenant's directory, a person's page, audited as a sensitive read. */
describe('console people', () => {
  let t: TestApp;
  let operator: PortalVisitor;
  beforeAll(async () => {
    t = await startTestApp();
    operator = await signInDemoOperator(t);
  });
  afterAll(async () => t.close());

  it('lands the demo operator in the console', async () => {
    const home = await operator.get('/admin');
    expect(home.statusCode).toBe(303);
    expect(home.headers.location).toBe('/admin/t/demo/overview');
  });

  it('finds people by part of a name, username or email, and links to their page', async () => {
    const byName = await operator.get('/admin/t/demo/people?q=arch');
    expect(byName.statusCode).toBe(200);
    expect(visibleText(byName.body)).toContain('Alice Archer');
    expect(visibleText(byName.body)).not.toContain('Bob Brooks');
    const byEmail = await operator.get('/admin/t/demo/people?q=BOB@EXAMPLE');
    expect(visibleText(byEmail.body)).toContain('Bob Brooks');
    const none = await operator.get('/admin/t/demo/people?q=zzz-nobody');
    expect(visibleText(none.body)).toContain('Nobody matches that search.');
  });

  it("shows a person's account, policy decision, methods, flows and trail, and audits the read", async () => {
    // A reset by Alice leaves a flow and audit entries to show.
    await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    const alice = await t.accountOf('alice');
    const page = await operator.get(`/admin/t/demo/people/${encodeURIComponent(alice.id)}`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('alice@example.com');
    expect(text).toContain('A reset is allowed');
    expect(text).toContain('Recent resets and unlocks');
    expect(text).toContain('reset.started');
    expect(page.headers['cache-control']).toBe('no-store');
    const reads = await t.app.database.db.selectFrom('audit_log').select(['actor', 'subject_id', 'details']).where('event', '=', 'admin.viewed').execute();
    expect(reads).toContainEqual(expect.objectContaining({ actor: 'operator:demo/opal', subject_id: alice.id }));
  });

  it('answers 404 for an unknown person and 403 for a tenant the operator has no role on', async () => {
    expect((await operator.get('/admin/t/demo/people/no-such-id')).statusCode).toBe(404);
    expect((await operator.get('/admin/t/other/people')).statusCode).toBe(403);
  });
});
