import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { hasSeries, promtoolCheck, promtoolInstalled, valueOf } from './metrics-scrape.js';

/**
 * The four events issue 11 names, each against the real app with a real SMTP server, and the whole output
 * checked by promtool: a reset, a failed proof, a rate-limited start and a delivery failure move their series.
 */
describe('/metrics: the SLI series move with what happens, and promtool accepts the output', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  const received: Array<{ to: string; text: string }> = [];

  beforeAll(async () => {
    const port = await freePort();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // carol's mailbox refuses mail for good (550): a permanent delivery failure.
      onRcptTo(address, _session, callback) {
        if (address.address === 'carol@example.com') return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        callback();
      },
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
    t = await startTestApp({
      overrides: {
        mail: { transport: 'smtp', from: 'Unlatch <no-reply@example.org>', smtp: { host: '127.0.0.1', port, secure: false, requireTLS: false, connectionTimeoutMs: 2000 } },
        rateLimits: { start_identifier: { points: 2, durationSeconds: 900 } },
        metrics: { helpdeskTicketCost: { amount: 25, currency: 'EUR' } },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const scrape = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;
  const post = (url: string, payload: object) => t.server.inject({ method: 'POST', url, payload });
  const codeFor = async (address: string) => {
    await t.app.worker.drain();
    const code = received.filter((m) => m.to === address).at(-1)?.text.match(/\b(\d{6,10})\b/)?.[1];
    if (!code) throw new Error(`no code mailed to ${address}`);
    return code;
  };

  it('a reset, a failed proof, a rate-limited start and a delivery failure each move the right series', async () => {
    const before = await scrape();
    const completed = 'unlatch_reset_events_total{tenant="demo",stage="completed",outcome="success",reason=""}';
    const failedProof = 'unlatch_reset_events_total{tenant="demo",stage="failed",outcome="failure",reason="code_invalid"}';
    const methodFailed = 'unlatch_method_events_total{tenant="demo",method="email_code",event="failed",outcome="failure"}';
    const limited = 'unlatch_rate_limited_total{tenant="demo",event="reset.rate_limited",bucket="start_identifier"}';
    const dead = 'unlatch_messages_total{channel="email",template="reset_code",outcome="dead",reason="smtp_5xx"}';
    const durations = 'unlatch_reset_duration_seconds_count{tenant="demo"}';
    for (const series of [completed, failedProof, methodFailed, limited, dead, durations]) expect(valueOf(before, series), series).toBe(0);

    // A reset with one wrong code first (the failed proof).
    const { flowId } = (await post('/api/v1/reset', { identifier: 'bob' })).json() as { flowId: string };
    const code = await codeFor('bob@example.com');
    expect((await post(`/api/v1/reset/${flowId}/verify`, { code: code === '000000' ? '111111' : '000000' })).statusCode).toBe(422);
    const afterFailedProof = await scrape();
    expect(valueOf(afterFailedProof, failedProof)).toBe(1);
    expect(valueOf(afterFailedProof, methodFailed)).toBe(1);
    expect(valueOf(afterFailedProof, completed)).toBe(0);
    expect((await post(`/api/v1/reset/${flowId}/verify`, { code })).statusCode).toBe(200);
    t.clock.advance(45);
    expect((await post(`/api/v1/reset/${flowId}/password`, { password: 'lantern orchard mosaic 52' })).statusCode).toBe(200);
    const afterReset = await scrape();
    expect(valueOf(afterReset, completed)).toBe(1);
    expect(valueOf(afterReset, durations)).toBe(1);
    expect(valueOf(afterReset, 'unlatch_reset_duration_seconds_bucket{le="60",tenant="demo"}')).toBe(1);
    expect(valueOf(afterReset, 'unlatch_reset_duration_seconds_bucket{le="30",tenant="demo"}')).toBe(0);

    // A rate-limited start: the third start for one identifier within the window (2 points).
    for (let i = 0; i < 3; i += 1) await post('/api/v1/reset', { identifier: 'ghost' });
    const afterLimit = await scrape();
    expect(valueOf(afterLimit, limited)).toBe(1);

    // A delivery failure: carol's mailbox refuses the code for good.
    expect((await post('/api/v1/reset', { identifier: 'carol' })).statusCode).toBe(202);
    expect(valueOf(await scrape(), dead)).toBe(0);
    await t.app.worker.drain();
    const afterDelivery = await scrape();
    expect(valueOf(afterDelivery, dead)).toBe(1);
    expect(valueOf(afterDelivery, 'unlatch_outbox_backlog{kind="mail"}')).toBe(0);
    // The other events did not move on the way.
    expect(valueOf(afterDelivery, completed)).toBe(1);
    expect(valueOf(afterDelivery, limited)).toBe(1);

    // HTTP durations by route pattern and status, never the raw URL (the flow id is not in any label).
    expect(valueOf(afterDelivery, 'unlatch_http_request_duration_seconds_count{method="POST",route="/api/v1/reset/:flowId/verify",status="422"}')).toBe(1);
    expect(valueOf(afterDelivery, 'unlatch_http_request_duration_seconds_count{method="POST",route="/api/v1/reset/:flowId/verify",status="200"}')).toBe(1);
    expect(valueOf(afterDelivery, 'unlatch_http_request_duration_seconds_count{method="POST",route="/api/v1/reset",status="202"}')).toBeGreaterThanOrEqual(4);
    expect(afterDelivery).not.toContain(flowId);
    // Directory calls by operation and outcome, under the directory's configured name.
    expect(valueOf(afterDelivery, 'unlatch_directory_operation_duration_seconds_count{directory="builtin",operation="commitPasswordWrite",outcome="ok"}')).toBe(1);
    expect(valueOf(afterDelivery, 'unlatch_directory_operation_duration_seconds_count{directory="builtin",operation="findByIdentifier",outcome="ok"}')).toBeGreaterThanOrEqual(4);
    // No label names a person.
    expect(afterDelivery).not.toMatch(/bob|carol|ghost|example\.com/);

    if (!shouldRun('promtool', promtoolInstalled())) return;
    const check = promtoolCheck(afterDelivery);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });

  it('shows the build, process metrics prefixed once, and the configured ticket cost', async () => {
    const text = await scrape();
    expect(text).toMatch(/^unlatch_build_info\{version="\d+\.\d+\.\d+[^"]*",node_version="v\d+\.\d+\.\d+"\} 1$/m);
    expect(hasSeries(text, 'unlatch_process_cpu_seconds_total')).toBe(true);
    expect(hasSeries(text, 'unlatch_nodejs_eventloop_lag_seconds')).toBe(true);
    expect(text).not.toContain('unlatch_process_process_');
    expect(text).not.toContain('unlatch_process_nodejs_');
    expect(valueOf(text, 'unlatch_helpdesk_ticket_cost{tenant="demo",currency="EUR"}')).toBe(25);
  });
});

describe('/metrics: the outbox per kind, and a store that is down', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });
  const scrape = () => t.server.inject({ method: 'GET', url: '/metrics' });

  it('reports waiting messages and the oldest one\'s age by kind, 0 for kinds with none', async () => {
    const empty = (await scrape()).body;
    for (const kind of ['mail', 'sms', 'audit_sink']) {
      expect(valueOf(empty, `unlatch_outbox_backlog{kind="${kind}"}`)).toBe(0);
      expect(empty).toContain(`unlatch_outbox_oldest_age_seconds{kind="${kind}"} 0`);
    }
    expect(valueOf(empty, 'unlatch_store_up')).toBe(1);

    await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'bob' } });
    t.clock.advance(40);
    await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    t.clock.advance(20);
    const waiting = (await scrape()).body;
    expect(valueOf(waiting, 'unlatch_outbox_backlog{kind="mail"}')).toBe(2);
    expect(valueOf(waiting, 'unlatch_outbox_oldest_age_seconds{kind="mail"}')).toBeCloseTo(60, 0);

    await t.deliverMail();
    const delivered = (await scrape()).body;
    expect(valueOf(delivered, 'unlatch_outbox_backlog{kind="mail"}')).toBe(0);
    expect(delivered).toContain('unlatch_outbox_oldest_age_seconds{kind="mail"} 0');
  });

  it('labels requests no route matched by the catch-all pattern that answered, never by the path asked for', async () => {
    const unmatched = 'unlatch_http_request_duration_seconds_count{method="GET",route="/api/*",status="404"}';
    // The API's not-found handler answers under /api, the portal's catch-all page any other path.
    const catchAll = 'unlatch_http_request_duration_seconds_count{method="GET",route="/*",status="404"}';
    const before = (await scrape()).body;
    expect((await t.server.inject({ method: 'GET', url: '/api/v1/probe-x7q' })).statusCode).toBe(404);
    expect((await t.server.inject({ method: 'GET', url: '/probe-wp-admin-x7q' })).statusCode).toBe(404);
    const after = (await scrape()).body;
    expect(valueOf(after, unmatched)).toBe(valueOf(before, unmatched) + 1);
    expect(valueOf(after, catchAll)).toBe(valueOf(before, catchAll) + 1);
    expect(after).not.toContain('x7q');
  });

  it('still answers when the store is down: the outbox gauges are absent and unlatch_store_up is 0', async () => {
    await t.app.database.close();
    const response = await scrape();
    expect(response.statusCode).toBe(200);
    expect(valueOf(response.body, 'unlatch_store_up')).toBe(0);
    expect(hasSeries(response.body, 'unlatch_outbox_backlog')).toBe(false);
    expect(hasSeries(response.body, 'unlatch_outbox_oldest_age_seconds')).toBe(false);
    expect(hasSeries(response.body, 'unlatch_reset_events_total')).toBe(true);
  });
});
