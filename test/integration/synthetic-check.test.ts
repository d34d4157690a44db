import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { cli } from '../helpers/cli-runner.js';
import { dovecotAvailable, startDovecot, startSmtpToMaildir, type DovecotMailbox } from '../helpers/dovecot.js';
import { freePort, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { hasSeries, promtoolCheck, promtoolInstalled, valueOf } from './metrics-scrape.js';
import { startPushReceiver, type PushReceiver } from './synthetic-push-receiver.js';

const client = { ip: '127.0.0.1', userAgent: 'test', correlationId: 'corr-synthetic' };

/**
 * `unlatch synthetic` against a running instance (real HTTP on a port, real SMTP into a real Dovecot's Maildir,
 * read back over IMAP): a canary with an authenticator app and an email address, under a policy that wants both.
 */
describe.runIf(shouldRun('dovecot (dovecot-imapd)', dovecotAvailable()))('unlatch synthetic: a whole canary reset against a running instance', () => {
  let t: TestApp;
  let mailbox: DovecotMailbox;
  let smtp: { port: number; close(): Promise<void> } | null;
  let push: PushReceiver;
  let dir: string;
  let seed: string;
  const files = () => ({ seed: join(dir, 'seed'), wrongSeed: join(dir, 'wrong-seed'), imapPassword: join(dir, 'imap-password'), textfile: join(dir, 'synthetic.prom') });
  const scrape = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'unlatch-synthetic-'));
    mailbox = await startDovecot('canary');
    smtp = await startSmtpToMaildir(mailbox);
    push = await startPushReceiver();
    t = await startTestApp({
      listen: true,
      overrides: {
        tenants: [{ id: 'demo', name: 'Demo Company', canaryAccounts: ['Canary'] }],
        policy: { default: { requiredMethods: 2 } },
        mail: { transport: 'smtp', from: 'Unlatch <no-reply@example.org>', smtp: { host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: false, connectionTimeoutMs: 1000 } },
      },
    });
    await t.app.users.insert({ tenantId: 'demo', username: 'canary', email: 'canary@example.org', displayName: 'Synthetic Canary', passwordHash: await t.app.hasher.hash('unused start password 1') }, t.clock.now());
    const account = await t.accountOf('canary');
    const enrollment = await t.app.methodRegistration.beginTotp({ account, name: 'Checker', client });
    // Enrolled with the previous step's code, so the check's code (this step) is not a replay.
    await t.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, Date.now() - 30_000), client });
    seed = enrollment.secret;
    const f = files();
    writeFileSync(f.seed, `otpauth://totp/Unlatch:canary?secret=${seed}&issuer=Unlatch\n`);
    writeFileSync(f.wrongSeed, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP\n');
    writeFileSync(f.imapPassword, `${mailbox.password}\n`);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await mailbox?.stop();
    await push?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = (extra: string[]) => cli(['synthetic', '--url', t.baseUrl!, '--tenant', 'demo', '--account', 'canary', ...extra]);

  it('passes: every step timed in one line, the text file and the Pushgateway get the series, promtool accepts them', async () => {
    // A person's start, for contrast: it counts in the user-facing series.
    expect((await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } })).statusCode).toBe(202);
    // Its code mail lands in the same test Maildir: delivered before the check opens the mailbox, so it is not new.
    await t.deliverMail();
    await waitFor(async () => (await t.app.database.db.selectFrom('outbox').select('status').where('status', '=', 'pending').execute()).length === 0);
    const before = await scrape();
    const peopleStarts = valueOf(before, 'unlatch_reset_events_total{tenant="demo",stage="started",outcome="success",reason=""}');
    expect(peopleStarts).toBe(1);
    const mailsBefore = mailbox.count();

    const f = files();
    const result = await run(['--totp-seed-file', f.seed, '--imap-url', mailbox.url, '--imap-password-file', f.imapPassword, '--imap-timeout', '20', '--textfile', f.textfile, '--push-gateway', push.url]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^synthetic ok tenant=demo steps=start:\d+\.\d\ds,totp:\d+\.\d\ds,email_code:\d+\.\d\ds,password:\d+\.\d\ds,sign_in:\d+\.\d\ds\n$/);
    expect(result.code).toBe(0);

    // The text file: each step's latency, success, the run's time; promtool accepts it.
    const text = readFileSync(f.textfile, 'utf8');
    for (const step of ['start', 'totp', 'email_code', 'password', 'sign_in']) expect(text).toMatch(new RegExp(`^unlatch_synthetic_step_seconds\\{tenant="demo",step="${step}"\\} \\d+(\\.\\d+)?$`, 'm'));
    expect(valueOf(text, 'unlatch_synthetic_success{tenant="demo"}')).toBe(1);
    expect(Math.abs(valueOf(text, 'unlatch_synthetic_last_run_timestamp_seconds{tenant="demo"}') - Date.now() / 1000)).toBeLessThan(120);
    expect(hasSeries(text, 'unlatch_synthetic_failed_step')).toBe(false);
    if (shouldRun('promtool', promtoolInstalled())) expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });

    // The Pushgateway got the same text by PUT to the tenant's group.
    expect(push.requests).toHaveLength(1);
    expect(push.requests[0]).toMatchObject({ method: 'PUT', path: '/metrics/job/unlatch_synthetic/instance/demo', body: text });
    expect(push.requests[0]!.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    // The code mail was read and removed from the mailbox (the password notice arrives later and stays).
    expect(mailbox.count()).toBeLessThanOrEqual(mailsBefore + 1);

    // The canary's reset: in its own series, not in the people's.
    await t.app.worker.drain();
    const after = await scrape();
    expect(valueOf(after, 'unlatch_reset_events_total{tenant="demo",stage="started",outcome="success",reason=""}')).toBe(peopleStarts);
    expect(hasSeries(after, 'unlatch_reset_duration_seconds_count')).toBe(false);
    expect(valueOf(after, 'unlatch_reset_events_total{tenant="demo",stage="completed",outcome="success",reason=""}')).toBe(0);
    expect(valueOf(after, 'unlatch_canary_resets_total{tenant="demo",stage="started",outcome="success"}')).toBe(1);
    expect(valueOf(after, 'unlatch_canary_resets_total{tenant="demo",stage="verified",outcome="success"}')).toBe(2);
    expect(valueOf(after, 'unlatch_canary_resets_total{tenant="demo",stage="completed",outcome="success"}')).toBe(1);
    expect(valueOf(after, 'unlatch_method_events_total{tenant="demo",method="totp",event="verified",outcome="success"}')).toBe(0);
    // Mail: alice's code counts as people's delivery, the canary's code and notice in the canary series.
    expect(valueOf(after, 'unlatch_messages_total{channel="email",template="reset_code",outcome="sent",reason=""}')).toBe(1);
    expect(valueOf(after, 'unlatch_canary_messages_total{channel="email",template="reset_code",outcome="sent"}')).toBe(1);
    expect(valueOf(after, 'unlatch_canary_messages_total{channel="email",template="password_changed",outcome="sent"}')).toBe(1);

    // The audit: every entry of the canary's flow says canary: true; alice's do not.
    const canary = await t.accountOf('canary');
    const rows = await t.app.database.db.selectFrom('audit_log').select(['event', 'subject_id', 'flow_id', 'details']).where('event', 'like', 'reset.%').orderBy('seq').execute();
    const canaryRows = rows.filter((r) => r.subject_id === canary.id);
    expect(canaryRows.map((r) => r.event)).toEqual(expect.arrayContaining(['reset.started', 'reset.code_verified', 'reset.completed']));
    for (const row of canaryRows) expect(JSON.parse(row.details ?? '{}')).toMatchObject({ canary: true });
    for (const row of rows.filter((r) => r.subject_id !== canary.id)) expect(JSON.parse(row.details ?? '{}')).not.toHaveProperty('canary');
    // The console's figures (the audit rollup) count the canary only under its own dimension.
    const rollup = await t.app.database.db.selectFrom('audit_rollup').select(['dimension', 'count']).where('event', '=', 'reset.completed').execute();
    expect(rollup.length).toBeGreaterThan(0);
    expect(rollup.every((r) => r.dimension === 'canary')).toBe(true);
    // And the new password really is the canary's now: the old one no longer works.
    const stored = (await t.app.users.list('demo')).find((u) => u.username === 'canary')!;
    expect(await t.app.hasher.verify(stored.passwordHash!, 'unused start password 1')).toBe(false);
  });

  it('fails with a clear line at the authenticator step with a wrong seed', async () => {
    const f = files();
    const result = await run(['--totp-seed-file', f.wrongSeed, '--textfile', f.textfile]);
    expect(result.stdout).toMatch(/^synthetic FAILED at step totp: HTTP 422 code_invalid \(\d+ attempts left\) tenant=demo steps=start:\d+\.\d\ds\n$/);
    expect(result.code).toBe(1);
    const text = readFileSync(f.textfile, 'utf8');
    expect(valueOf(text, 'unlatch_synthetic_success{tenant="demo"}')).toBe(0);
    expect(valueOf(text, 'unlatch_synthetic_failed_step{tenant="demo",step="totp"}')).toBe(1);
    expect(hasSeries(text, 'unlatch_synthetic_step_seconds{tenant="demo",step="totp"}')).toBe(false);
    if (shouldRun('promtool', promtoolInstalled())) expect(promtoolCheck(text)).toEqual({ status: 0, output: '' });
    // The canary's failure is its own, not the people's.
    const metrics = await scrape();
    expect(valueOf(metrics, 'unlatch_canary_resets_total{tenant="demo",stage="failed",outcome="failure"}')).toBe(1);
    expect(valueOf(metrics, 'unlatch_reset_events_total{tenant="demo",stage="failed",outcome="failure",reason="code_invalid"}')).toBe(0);
  });

  it('fails with a clear line when the code mail never arrives (SMTP down)', async () => {
    await smtp!.close();
    smtp = null;
    const f = files();
    const result = await run(['--imap-url', mailbox.url, '--imap-password-file', f.imapPassword, '--imap-timeout', '3']);
    expect(result.stdout).toMatch(/^synthetic FAILED at step email_code: no message with a code within 3s tenant=demo steps=start:\d+\.\d\ds\n$/);
    expect(result.code).toBe(1);
  });

  it('fails at the start with a clear line when the instance cannot be reached', async () => {
    const port = await freePort();
    const result = await cli(['synthetic', '--url', `http://127.0.0.1:${port}`, '--tenant', 'demo', '--account', 'canary', '--totp-seed-file', files().seed, '--timeout', '2']);
    expect(result.stdout).toBe('synthetic FAILED at step start: fetch failed (ECONNREFUSED) tenant=demo\n');
    expect(result.code).toBe(1);
  });

  it('refuses bad arguments with exit code 2 and no secret in the message', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--totp-seed-file, or --imap-url/);
    const remote = await run(['--imap-url', 'imap://canary@mail.example.org/INBOX', '--imap-password-file', files().imapPassword]);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/imap:\/\/ \(no TLS\) is allowed only to a loopback address/);
    const inline = await run(['--imap-url', 'imaps://canary:hunter2@mail.example.org/INBOX', '--imap-password-file', files().imapPassword]);
    expect(inline.code).toBe(2);
    expect(inline.stderr).not.toContain('hunter2');
    const missing = await run(['--totp-seed-file', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read --totp-seed-file: ENOENT/);
    expect(missing.stdout).toBe('');
  });
});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await condition()); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await condition()).toBe(true);
}
