import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli-runner.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { postJson, startReset, STRONG_PASSWORD } from './api-client.js';

/**
 * Contact data from HR, end to end: `unlatch methods import` writes into the running app's database, and the
 * portal's reset then uses (or, untrusted, does not use) the imported private address.
 */
describe('imported contact data in a reset', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** The app with the work mailbox not trusted, so only a private address can receive a reset code. */
  const start = async (trust: boolean) => {
    const policy = { default: { directoryEmail: false, trustImportedContacts: trust } };
    t = await startTestApp({ overrides: { policy } });
    const hash = await t.app.hasher.hash('plover estuary lantern 51');
    await t.app.users.insert({ tenantId: 'demo', username: 'erin', email: 'erin@corp.example', displayName: 'Erin Example', groups: [], passwordHash: hash }, t.clock.now());
    // The CLI as an operator runs it, on the app's own database and key (same dataDir).
    const configPath = join(t.config.dataDir, 'cli.yaml');
    writeFileSync(configPath, stringify({ mode: 'dev', dataDir: t.config.dataDir, database: { url: t.config.database.url }, tenants: t.config.tenants, policy, log: { level: 'silent' } }));
    const file = join(t.config.dataDir, 'hr.csv');
    writeFileSync(file, 'username,personal_email\nerin,erin.home@example.net\n');
    const imported = await cli(['methods', 'import', file, '--config', configPath]);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    return t;
  };

  it('trustImportedContacts: true — the imported address gets the reset code at once, and the person was told', async () => {
    const app = await start(true);
    const flowId = await startReset(app, 'erin');
    const code = await app.codeFor('erin.home@example.net');
    const verified = await postJson(app, `/api/v1/reset/${flowId}/verify`, { code });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ next: 'set_password' });
    const done = await postJson(app, `/api/v1/reset/${flowId}/password`, { password: STRONG_PASSWORD });
    expect(done.statusCode, done.body).toBe(200);

    const notice = (await app.mailsTo('erin.home@example.net')).find((m) => /Contact details were added/.test(m.subject))!;
    expect(notice.subject).toBe('Contact details were added to your Demo Company account');
    expect(notice.text).toContain('Your organisation added these contact details from its HR records');
    expect(notice.text).toContain('e•••@example.net');
    expect(notice.text).toContain('They can now receive password reset codes.');
    // The work mailbox is not trusted for codes, so it does not hear of it either (as with every other notice).
    expect((await app.mailsTo('erin@corp.example')).some((m) => /Contact details/.test(m.subject))).toBe(false);
  });

  it('trustImportedContacts: false (the default) — the imported address gets no code until the person confirms it', async () => {
    const app = await start(false);
    await startReset(app, 'erin');
    await app.deliverMail();
    const mails = await app.mailsTo('erin.home@example.net');
    expect(mails.some((m) => /reset code/i.test(m.subject))).toBe(false);
    const notice = mails.find((m) => /Contact details were added/.test(m.subject))!;
    expect(notice.text).toContain('They are not used for password resets until you confirm them');
  });
});
