import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB } from './api-client.js';
import { PortalVisitor } from './portal-forms.js';

interface OutboxEntry {
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

describe('portal: the dev outbox', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('lists captured mail newest first, as JSON and as a page', async () => {
    t = await startTestApp();
    const empty = await t.server.inject({ method: 'GET', url: '/dev/outbox.json' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual([]);

    const v = new PortalVisitor(t);
    await v.fill('/reset', { identifier: ALICE.username });
    await t.deliverMail();
    t.clock.advance(5);
    await v.fill('/reset', { identifier: BOB.email });
    await t.deliverMail();

    const res = await t.server.inject({ method: 'GET', url: '/dev/outbox.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const mails = res.json<OutboxEntry[]>();
    expect(mails.map((m) => m.to)).toEqual([BOB.email, ALICE.email]);
    for (const mail of mails) {
      expect(Object.keys(mail).sort()).toEqual(['createdAt', 'subject', 'text', 'to']);
      expect(mail.subject).toMatch(/reset code/i);
      expect(new Date(mail.createdAt).toISOString()).toBe(mail.createdAt);
    }
    expect(Date.parse(mails[0]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(mails[1]!.createdAt));
    const code = await t.codeFor(BOB.email);
    expect(mails[0]!.text).toContain(code);

    const page = await v.get('/dev/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const html = page.body;
    expect(html.indexOf(BOB.email)).toBeLessThan(html.indexOf(ALICE.email));
    expect(html).toMatch(new RegExp(`<pre>[^<]*${code}[^<]*</pre>`));
    expect(html).toContain(`<dd>${ALICE.email}</dd>`);
    expect(html).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[\d:.]+Z">/);
  });

  it('does not exist in production mode', async () => {
    t = await startTestApp({
      overrides: {
        mode: 'production',
        publicUrl: 'https://sspr.example.org',
        mail: { transport: 'smtp', smtp: { host: '127.0.0.1', port: 2525 } },
        secrets: { keys: [{ id: 'k1', secret: randomBytes(32).toString('base64') }] },
        tenants: [{ id: 'demo', name: 'Demo Company' }],
      },
    });
    for (const url of ['/dev/outbox', '/dev/outbox.json']) {
      const res = await t.server.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Dev outbox');
    }
    // The rest of the portal is there.
    expect((await t.server.inject({ method: 'GET', url: '/reset' })).statusCode).toBe(200);
  });
});
