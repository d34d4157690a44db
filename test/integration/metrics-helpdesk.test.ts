import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSON_SEED, pendingCheckId, personUrl, startHelpdesk, type HelpdeskFixture } from '../http/helpdesk-setup.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { valueOf } from './metrics-scrape.js';

/** SLI M4: helpdesk actions taken in the real console are counted by action and outcome, beside the ticket cost. */
describe('/metrics: helpdesk actions (M4)', () => {
  let f: HelpdeskFixture;
  beforeAll(async () => {
    f = await startHelpdesk({ overrides: { metrics: { helpdeskTicketCost: { amount: 12.5, currency: 'USD' } } } });
  });
  afterAll(async () => {
    await f?.close();
  });
  const scrape = async () => (await f.t.server.inject({ method: 'GET', url: '/metrics' })).body;
  const denied = 'unlatch_helpdesk_actions_total{tenant="demo",action="unlock",outcome="denied"}';
  const unlocked = 'unlatch_helpdesk_actions_total{tenant="demo",action="unlock",outcome="success"}';

  it('counts a refused action and a done one, and shows the cost per ticket', async () => {
    const before = await scrape();
    expect(valueOf(before, denied)).toBe(0);
    expect(valueOf(before, unlocked)).toBe(0);
    expect(valueOf(before, 'unlatch_helpdesk_ticket_cost{tenant="demo",currency="USD"}')).toBe(12.5);

    // Without a passed check: refused (and audited as such).
    const abe = f.visitors.get('abe')!;
    await abe.get(personUrl(f.alice.id));
    expect((await abe.post(`${personUrl(f.alice.id)}/unlock`, {})).statusCode).toBe(403);
    const afterDenied = await scrape();
    expect(valueOf(afterDenied, denied)).toBe(1);
    expect(valueOf(afterDenied, unlocked)).toBe(0);

    // With a passed check: done.
    await f.t.app.users.setFlags('demo', f.alice.id, { locked: true }, f.t.clock.now());
    const ada = f.visitors.get('ada')!;
    await ada.get(personUrl(f.alice.id));
    await ada.post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-4001', method: f.alice.totpId });
    const checkId = pendingCheckId((await ada.get(personUrl(f.alice.id))).body);
    f.t.clock.advance(31);
    expect((await ada.post(`${personUrl(f.alice.id)}/answer`, { checkId, code: totpAt(PERSON_SEED, f.t.clock.now().getTime()) })).statusCode).toBe(303);
    expect((await ada.post(`${personUrl(f.alice.id)}/unlock`, {})).statusCode).toBe(200);
    const afterUnlock = await scrape();
    expect(valueOf(afterUnlock, unlocked)).toBe(1);
    expect(valueOf(afterUnlock, denied)).toBe(1);
    // Operators and people are never labels.
    const series = afterUnlock.split('\n').filter((line) => !line.startsWith('#')).join('\n');
    expect(series).not.toContain(f.alice.id);
    expect(series).not.toMatch(/"(alice|ada|abe)"|operator:|INC-4001/);
  });
});
