import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('outbox delivery when the mail server is down, then up', () => {
  let t: TestApp;
  let port: number;
  const received: Array<{ to: string; text: string }> = [];

  beforeAll(async () => {
    port = await freePort();
    t = await startTestApp({
      overrides: {
        mail: { transport: 'smtp', from: 'Unlatch <no-reply@example.org>', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, connectionTimeoutMs: 1000 } },
        outbox: { backoffSeconds: 0.01, maxBackoffSeconds: 0.02, maxAttempts: 50 },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the code while SMTP refuses connections and delivers it once SMTP is back', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'bob' } });
    expect(start.statusCode).toBe(202);

    await t.app.worker.runOnce();
    const pending = await t.app.database.db.selectFrom('outbox').selectAll().execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'connection_refused' });
    expect(pending[0]!.payload).not.toBeNull();
    const metrics = await (await t.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/unlatch_messages_total\{channel="email",template="reset_code",outcome="retry",reason="connection_refused"\} 1/);
    expect(metrics).toMatch(/unlatch_outbox_backlog\{kind="mail"\} 1/);

    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push({ to: session.envelope.rcptTo[0]!.address, text: mail.text ?? '' });
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      await t.app.worker.drain();
      expect(received).toHaveLength(1);
      expect(received[0]!.to).toBe('bob@example.com');
      expect(received[0]!.text).toMatch(/\b\d{6}\b/);
      const sent = await t.app.database.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
      expect(sent).toMatchObject({ status: 'sent', payload: null });
      const audit = await t.app.database.db.selectFrom('audit_log').select('event').where('event', '=', 'reset.code_sent').execute();
      expect(audit).toHaveLength(1);
    } finally {
      // The pooled SMTP connection stays open until the app closes; the server waits for it.
      await t.app.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
