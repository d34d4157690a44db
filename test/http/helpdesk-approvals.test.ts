import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { auditOf, passTotpCheck, personUrl, startHelpdesk, type HelpdeskFixture } from './helpdesk-setup.js';
import { visibleText } from './portal-forms.js';

const APPROVALS = '/admin/t/demo/helpdesk-approvals';

/** Two operators for protected people: a request, another admin's approval, the action; never one's own approval. */
describe.each(['sqlite', 'postgres'] as const)('helpdesk approvals on %s', (database) => {
  let f: HelpdeskFixture;
  let enabled = true;
  beforeAll(async () => {
    if (database === 'postgres') {
      enabled = shouldRun('PostgreSQL', await postgresAvailable());
      if (!enabled) return;
    }
    f = await startHelpdesk({ database });
  });
  afterAll(async () => f?.close());
  beforeEach(({ skip }) => {
    if (!enabled) skip();
  });

  const totpIdOf = async (subjectId: string) => (await f.t.app.admin!.methods.listForSubject('demo', subjectId)).find((m) => m.kind === 'totp')!.id;
  const requestIdsOn = (html: string) => [...html.matchAll(/helpdesk-approvals\/([0-9a-f-]{36})\/approve/g)].map((m) => m[1]!);

  it('turns an unlock of a protected person into a request, which another admin approves; then the agent unlocks', async () => {
    const hal = f.visitors.get('hal')!;
    const ada = f.visitors.get('ada')!;
    await f.t.app.users.setFlags('demo', f.root.id, { locked: true }, f.t.clock.now());
    await passTotpCheck(f, 'hal', f.root.id, await totpIdOf(f.root.id), 'CHG-1');
    expect(visibleText((await hal.get(personUrl(f.root.id))).body)).toContain('another operator');

    const asked = await hal.post(`${personUrl(f.root.id)}/unlock`, {});
    expect(asked.statusCode).toBe(200);
    expect(visibleText(asked.body)).toContain('waits for another operator');
    expect((await f.t.accountOf('root-ann').catch(() => null))?.locked ?? true).toBe(true);
    // The helpdesk role cannot approve: the approvals area is for admins.
    expect((await hal.get(APPROVALS)).statusCode).toBe(403);

    const queue = await ada.get(APPROVALS);
    expect(queue.statusCode).toBe(200);
    expect(visibleText(queue.body)).toContain('CHG-1');
    const [requestId] = requestIdsOn(queue.body);
    expect(requestId).toBeDefined();
    const approved = await ada.post(`${APPROVALS}/${requestId}/approve`, {});
    expect(approved.statusCode).toBe(303);
    expect(requestIdsOn((await ada.get(APPROVALS)).body)).not.toContain(requestId);

    const unlocked = await hal.post(`${personUrl(f.root.id)}/unlock`, {});
    expect(unlocked.statusCode, visibleText(unlocked.body)).toBe(200);
    expect(visibleText(unlocked.body)).toContain('The account is unlocked');
    const row = await f.t.app.database.db.selectFrom('users').select('locked').where('id', '=', f.root.id).executeTakeFirstOrThrow();
    expect(Number(row.locked)).toBe(0);
    // The approval is spent: the next unlock needs a new one.
    expect(visibleText((await hal.post(`${personUrl(f.root.id)}/unlock`, {})).body)).toContain('waits for another operator');

    expect((await auditOf(f.t, 'helpdesk.requested')).filter((e) => e.details.requestId === requestId)).toEqual([
      expect.objectContaining({ actor: 'operator:demo/hal', subject_id: f.root.id, details: expect.objectContaining({ action: 'unlock', ticket: 'CHG-1' }) }),
    ]);
    expect((await auditOf(f.t, 'helpdesk.request_decided')).filter((e) => e.details.requestId === requestId)).toEqual([
      expect.objectContaining({ actor: 'operator:demo/ada', outcome: 'success', details: expect.objectContaining({ decision: 'approved', requester: 'operator:demo/hal' }) }),
    ]);
    expect((await auditOf(f.t, 'helpdesk.action')).filter((e) => e.details.requestId === requestId)).toEqual([
      expect.objectContaining({ actor: 'operator:demo/hal', outcome: 'success', details: expect.objectContaining({ action: 'unlock', ticket: 'CHG-1' }) }),
    ]);
  });

  it('refuses an admin approving their own request, and lets another admin refuse it', async () => {
    const ada = f.visitors.get('ada')!;
    const abe = f.visitors.get('abe')!;
    await passTotpCheck(f, 'ada', f.root.id, await totpIdOf(f.root.id), 'CHG-2');
    const asked = await ada.post(`${personUrl(f.root.id)}/password`, { password: '' });
    expect(visibleText(asked.body)).toContain('waits for another operator');
    const requestId = requestIdsOn((await ada.get(APPROVALS)).body).find(Boolean)!;
    const own = await ada.post(`${APPROVALS}/${requestId}/approve`, {});
    expect(own.statusCode).toBe(403);
    expect(visibleText(own.body)).toContain('You cannot decide your own request');
    // Still no one-time password.
    const stillAsked = await ada.post(`${personUrl(f.root.id)}/password`, { password: '' });
    expect(visibleText(stillAsked.body)).toContain('already waits');

    await abe.get(APPROVALS);
    expect((await abe.post(`${APPROVALS}/${requestId}/refuse`, {})).statusCode).toBe(303);
    const decided = (await auditOf(f.t, 'helpdesk.request_decided')).filter((e) => e.details.requestId === requestId);
    expect(decided.map((e) => [e.actor, e.outcome, e.details.decision ?? e.details.reason])).toEqual([
      ['operator:demo/ada', 'denied', 'own_request'],
      ['operator:demo/abe', 'success', 'refused'],
    ]);
  });

  it('lets a request run out when nobody decides in time, audited once', async () => {
    const hal = f.visitors.get('hal')!;
    await passTotpCheck(f, 'hal', f.root.id, await totpIdOf(f.root.id), 'CHG-3');
    await hal.post(`${personUrl(f.root.id)}/remove-method`, { methodId: await totpIdOf(f.root.id) });
    const [request] = await f.t.app.database.db.selectFrom('helpdesk_requests').select('id').where('ticket', '=', 'CHG-3').execute();
    f.t.clock.advance(31 * 60);
    // The console's sessions end meanwhile (idle limit): the queue is read as its page reads it, twice.
    const approvals = f.t.app.admin!.helpdesk!.approvals;
    expect((await approvals.pending('demo')).map((r) => r.id)).not.toContain(request!.id);
    await approvals.pending('demo');
    expect((await auditOf(f.t, 'helpdesk.request_expired')).filter((e) => e.details.requestId === request!.id)).toEqual([
      expect.objectContaining({ actor: 'system', outcome: 'failure', details: expect.objectContaining({ state: 'pending', ticket: 'CHG-3', requester: 'operator:demo/hal' }) }),
    ]);
    const abe = { kind: 'session', id: 's', homeTenantId: 'demo', subjectId: 'abe', username: 'abe', displayName: 'ABE', via: 'password', grants: { demo: ['admin'] } } as const;
    await expect(approvals.decide({ operator: { ...abe, grants: { demo: ['admin'] } }, client: { ip: '127.0.0.1', userAgent: 't', correlationId: 't' } }, 'demo', request!.id, true)).rejects.toMatchObject({ code: 'conflict' });
  });
});
