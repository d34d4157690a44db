import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnlatchError } from '../../src/core/errors.js';
import { auditOf, passTotpCheck, personUrl, startHelpdesk, type HelpdeskFixture } from './helpdesk-setup.js';

/** Caller checks count per agent and per person, in the shared limiter: a 429 with Retry-After, audited as denied. */
describe('helpdesk limits and outages', () => {
  let f: HelpdeskFixture;
  beforeAll(async () => {
    f = await startHelpdesk({
      overrides: { helpdesk: { limits: { perAgent: { points: 4, durationSeconds: 3600 }, perPerson: { points: 2, durationSeconds: 3600 } } } },
    });
  });
  afterAll(async () => f?.close());

  const start = async (who: 'hal' | 'ada', subjectId: string, methodId: string) => {
    const v = f.visitors.get(who)!;
    await v.get(personUrl(subjectId));
    return v.post(`${personUrl(subjectId)}/check`, { ticket: 'INC-9', method: methodId });
  };

  it('stops checks of one person after the per-person limit, whoever the agent', async () => {
    expect((await start('hal', f.alice.id, f.alice.totpId)).statusCode).toBe(303);
    expect((await start('ada', f.alice.id, f.alice.totpId)).statusCode).toBe(303);
    const refused = await start('ada', f.alice.id, f.alice.totpId);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const denied = (await auditOf(f.t, 'helpdesk.check_started')).filter((e) => e.outcome === 'denied');
    expect(denied).toEqual([expect.objectContaining({ actor: 'operator:demo/ada', subject_id: f.alice.id, details: expect.objectContaining({ limit: 'helpdesk_person', ticket: 'INC-9' }) })]);
  });

  it('stops one agent after the per-agent limit, across people', async () => {
    const bob = await f.t.accountOf('bob');
    const carol = await f.t.accountOf('carol');
    const admin = f.t.app.admin!;
    const totp = async (id: string) => admin.methods.add({ tenantId: 'demo', subjectId: id, kind: 'totp', name: 'app', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', confirmed: true }, f.t.clock.now());
    const [bobTotp, carolTotp] = [await totp(bob.id), await totp(carol.id)];
    // hal used 1 of 4 on alice; each person allows 2.
    expect((await start('hal', bob.id, bobTotp)).statusCode).toBe(303);
    expect((await start('hal', bob.id, bobTotp)).statusCode).toBe(303);
    expect((await start('hal', carol.id, carolTotp)).statusCode).toBe(303);
    const refused = await start('hal', carol.id, carolTotp);
    expect(refused.statusCode).toBe(429);
    const denied = (await auditOf(f.t, 'helpdesk.check_started')).filter((e) => e.outcome === 'denied' && e.actor === 'operator:demo/hal');
    expect(denied.map((e) => e.details.limit)).toEqual(['helpdesk_agent']);
  });

  it('answers a directory outage during an action with 503 and Retry-After, auditing no action', async () => {
    const limited = f;
    const fresh = await startHelpdesk();
    f = fresh;
    try {
      await passTotpCheck(f, 'ada', f.alice.id, f.alice.totpId, 'INC-OUT');
      const directory = f.t.app.admin!.directory;
      const unlock = directory.unlock.bind(directory);
      // The directory goes away between the check and the unlock.
      directory.unlock = async () => {
        throw new UnlatchError('directory_unavailable');
      };
      try {
        const res = await f.visitors.get('ada')!.post(`${personUrl(f.alice.id)}/unlock`, {});
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('30');
      } finally {
        directory.unlock = unlock;
      }
      expect((await auditOf(f.t, 'helpdesk.action')).filter((e) => e.outcome === 'success')).toEqual([]);
    } finally {
      await fresh.close();
      f = limited;
    }
  });
});
