import { afterEach, describe, expect, it } from 'vitest';
import { pendingCheckId, personUrl, startHelpdesk, type HelpdeskFixture } from './helpdesk-setup.js';
import { visibleText } from './portal-forms.js';

const HOME = 'alice.home@example.org';

/** A code mailed to a confirmed address and read back; the directory's own mailbox only where the policy trusts it. */
describe('helpdesk: checking a caller by email', () => {
  let f: HelpdeskFixture | undefined;
  afterEach(async () => {
    await f?.close();
    f = undefined;
  });

  const withHomeAddress = async (fixture: HelpdeskFixture) => {
    await fixture.t.app.admin!.methods.add({ tenantId: 'demo', subjectId: fixture.alice.id, kind: 'email_code', name: 'Home mail', data: { email: HOME }, confirmed: true }, fixture.t.clock.now());
    return fixture;
  };

  it("mails a code to the directory's address when trusted; the caller reads it back", async () => {
    f = await withHomeAddress(await startHelpdesk());
    const hal = f.visitors.get('hal')!;
    const page = await hal.get(personUrl(f.alice.id));
    expect(page.body).toContain('value="directory-email"');
    expect(visibleText(page.body)).toContain('a•••@example.com');
    expect((await hal.post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-8001', method: 'directory-email' })).statusCode).toBe(303);
    await f.t.deliverMail();
    const mail = (await f.t.mailsTo('alice@example.com')).find((m) => m.subject.includes('helpdesk code'));
    expect(mail?.text).toContain('Read it only to a helpdesk you called yourself');
    const code = mail?.text.match(/\b(\d{6})\b/)?.[1];
    expect(code).toBeDefined();
    const checkId = pendingCheckId((await hal.get(personUrl(f.alice.id))).body);
    expect((await hal.post(`${personUrl(f.alice.id)}/answer`, { checkId, code: code! })).statusCode).toBe(303);
    expect(visibleText((await hal.get(personUrl(f.alice.id))).body)).toContain('Check passed');
  });

  it("does not offer the directory's mailbox when the policy does not trust it (directoryEmail: false)", async () => {
    f = await withHomeAddress(await startHelpdesk({ overrides: { policy: { default: { directoryEmail: false } } } }));
    const hal = f.visitors.get('hal')!;
    const page = await hal.get(personUrl(f.alice.id));
    expect(page.body).not.toContain('value="directory-email"');
    expect(visibleText(page.body)).toContain('Home mail');
    const refused = await hal.post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-8002', method: 'directory-email' });
    expect(refused.statusCode).toBe(400);
    expect(visibleText(refused.body)).toContain("Choose one of the person's registered methods");
    await f.t.deliverMail();
    expect((await f.t.mailsTo('alice@example.com')).filter((m) => m.subject.includes('helpdesk code'))).toEqual([]);
    // The confirmed extra address works.
    expect((await hal.post(`${personUrl(f.alice.id)}/check`, { ticket: 'INC-8002', method: page.body.match(/value="([0-9a-f-]{36})"[^>]*> <label[^>]*>Email code: Home mail/)?.[1] ?? 'none' })).statusCode).toBe(303);
    await f.t.deliverMail();
    expect((await f.t.mailsTo(HOME)).some((m) => m.subject.includes('helpdesk code'))).toBe(true);
  });
});
