import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import { decidePolicy } from '../../src/core/policy/method-policy.js';
import { stringify } from 'yaml';
import { cli } from '../helpers/cli-runner.js';
import { FakeHookTargets, TARGET_SECRETS } from '../helpers/hook-targets.js';
import { makeLoopbackCertificates } from '../helpers/rsyslog.js';
import { freePort, postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import type { RawConfig } from '../../src/config/schema.js';

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());
const dialects = (['sqlite', 'postgres'] as const).filter((d) => d === 'sqlite' || pgUp);
const client = { ip: '127.0.0.1', userAgent: 'vitest', correlationId: 'hooks-test-0001' };

describe.each(dialects)('post-reset hooks against local stand-ins of each API (%s)', (database) => {
  let t: TestApp;
  let targets: FakeHookTargets;
  let jwks: JSONWebKeySet;
  let hooks: NonNullable<RawConfig['hooks']>;
  const verifiedTokens: Array<Record<string, unknown>> = [];
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-hooks-'));

  beforeAll(async () => {
    await makeLoopbackCertificates(dir);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(join(dir, 'logout-key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
    targets = new FakeHookTargets({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) }, await freePort());
    await targets.up();
    const caFile = join(dir, 'ca.pem');
    const base = targets.base;
    hooks = [
          { type: 'webhook', name: 'automation', url: `${base}/webhook`, caFile, keys: TARGET_SECRETS.webhookKeys, events: ['reset.completed', 'password.changed', 'account.unlocked', 'method.added'] },
          { type: 'keycloak', name: 'keycloak', baseUrl: `${base}/kc`, realm: 'staff', clientId: 'unlatch-hooks', clientSecret: TARGET_SECRETS.keycloakClientSecret, caFile, events: ['reset.completed'] },
          { type: 'okta', name: 'okta', orgUrl: `${base}/okta`, apiToken: TARGET_SECRETS.oktaToken, caFile, events: ['reset.completed'] },
          {
            type: 'microsoft-graph', name: 'entra', tenant: 'contoso.example', clientId: 'graph-app', clientSecret: TARGET_SECRETS.graphClientSecret,
            authorityUrl: `${base}/login`, graphUrl: `${base}/graph`, caFile, upnSuffix: 'corp.example', events: ['reset.completed'],
          },
          { type: 'oidc-backchannel', name: 'wiki', url: `${base}/rp/backchannel`, audience: 'wiki-client', signingKeyPath: join(dir, 'logout-key.pem'), alg: 'ES256', caFile, events: ['reset.completed', 'password.changed'] },
          { type: 'webhook', name: 'methods', url: `${base}/webhook`, caFile, keys: TARGET_SECRETS.webhookKeys, events: ['method.removed'] },
          { type: 'webhook', name: 'broken', url: `${base}/broken`, caFile, keys: TARGET_SECRETS.webhookKeys, events: ['account.unlocked'] },
    ];
    t = await startTestApp({
      database,
      overrides: {
        publicUrl: 'https://reset.example.org',
        hooks,
        outbox: { backoffSeconds: 0.01, maxBackoffSeconds: 0.02, maxAttempts: 3 },
      },
    });
    const served = await t.server.inject({ method: 'GET', url: '/.well-known/unlatch-hooks-jwks.json' });
    expect(served.statusCode).toBe(200);
    jwks = served.json() as JSONWebKeySet;
    // The relying party's side: verify with the served JWKS, as docs/hooks.md tells relying parties to.
    targets.verifyLogoutToken = async (token) => {
      try {
        const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'https://reset.example.org', audience: 'wiki-client', typ: 'logout+jwt' });
        if (protectedHeader.alg !== 'ES256') return false;
        verifiedTokens.push(payload as Record<string, unknown>);
        return true;
      } catch {
        return false;
      }
    };
  });
  afterAll(async () => {
    await t?.close();
    await targets?.down();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the worker until `done` holds (retries wait a few milliseconds of backoff). */
  async function deliverUntil(done: () => boolean | Promise<boolean>): Promise<void> {
    for (let round = 0; round < 80 && !(await done()); round += 1) {
      await t.deliverMail();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const hookRows = () => t.app.database.db.selectFrom('outbox').select(['idempotency_key', 'status', 'attempts', 'last_error']).where('channel', '=', 'hook').execute();

  it('after a reset, calls every preset with the request its API expects, once each', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' } });
    const { flowId } = start.json() as { flowId: string };
    const code = await t.codeFor('alice@example.com');
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } })).statusCode).toBe(200);
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'tangerine orbit walrus 77' } })).statusCode).toBe(200);

    // Queued in the reset's transaction: one row per subscribed hook, before any delivery.
    const completed = await t.app.database.db.selectFrom('audit_log').select(['seq', 'id']).where('event', '=', 'reset.completed').executeTakeFirstOrThrow();
    const keys = (await hookRows()).map((r) => r.idempotency_key).sort();
    expect(keys).toEqual(['automation', 'entra', 'keycloak', 'okta', 'wiki'].map((name) => `hook:${name}:${String(completed.seq).padStart(16, '0')}`));

    await deliverUntil(async () => (await hookRows()).every((r) => r.status === 'sent'));
    expect(targets.refused).toEqual([]);

    // Keycloak: client-credentials token, exact username search, logout of that user id.
    expect(targets.callsTo('keycloak-token')).toHaveLength(1);
    expect(targets.callsTo('keycloak-users').map((c) => c.url)).toEqual(['/kc/admin/realms/staff/users?username=alice&exact=true']);
    expect(targets.callsTo('keycloak-logout').map((c) => `${c.method} ${c.url}`)).toEqual(['POST /kc/admin/realms/staff/users/kc-alice/logout']);
    // Okta: looked up by login (the address by default), then its sessions and OAuth tokens cleared.
    expect(targets.callsTo('okta-user').map((c) => c.url)).toEqual(['/okta/api/v1/users/alice%40example.com']);
    expect(targets.callsTo('okta-sessions').map((c) => `${c.method} ${c.url}`)).toEqual(['DELETE /okta/api/v1/users/00u-alice%40example.com/sessions?oauthTokens=true']);
    // Microsoft Graph: the token for Graph's .default scope, then revokeSignInSessions by UPN.
    expect(targets.callsTo('graph-token')).toHaveLength(1);
    expect(targets.callsTo('graph-revoke').map((c) => c.url)).toEqual(['/graph/v1.0/users/alice%40corp.example/revokeSignInSessions']);
    // Back-channel logout: a logout token the relying party verified against the served JWKS.
    expect(verifiedTokens).toHaveLength(1);
    const token = verifiedTokens[0]!;
    expect(token).toMatchObject({ sub: 'alice', iss: 'https://reset.example.org', aud: 'wiki-client', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    expect(token).not.toHaveProperty('nonce');
    expect(typeof token.jti).toBe('string');
    expect((token.exp as number) - (token.iat as number)).toBe(120);
    const raw = new URLSearchParams(targets.callsTo('rp-logout')[0]!.body).get('logout_token')!;
    expect(decodeProtectedHeader(raw)).toMatchObject({ typ: 'logout+jwt', alg: 'ES256', kid: jwks.keys[0]!.kid });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    // The webhook: a signed CloudEvent whose id is the audit entry's, with the newest key.
    const [hook] = targets.callsTo('webhook');
    expect(String(hook!.headers['x-unlatch-signature'])).toMatch(/^t=\d+,k=k2,v1=[0-9a-f]{64}$/);
    expect(JSON.parse(hook!.body)).toMatchObject({ specversion: '1.0', id: completed.id, type: 'io.unlatch.hook.reset.completed', subject: 'alice', data: { event: 'reset.completed', hook: 'automation', tenantId: 'demo', subject: { type: 'username', value: 'alice' } } });
    for (const call of targets.calls) expect(call.body).not.toContain('tangerine');

    // Each outcome audited, and counted.
    const delivered = await t.app.database.db.selectFrom('audit_log').select('details').where('event', '=', 'hook.delivered').execute();
    expect(delivered.map((d) => (JSON.parse(d.details) as { hook: string }).hook).sort()).toEqual(['automation', 'entra', 'keycloak', 'okta', 'wiki']);
    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('unlatch_hook_deliveries_total{hook="keycloak",preset="keycloak",outcome="delivered"} 1');
    expect(metrics).toContain('unlatch_hook_deliveries_total{hook="wiki",preset="oidc-backchannel",outcome="delivered"} 1');
    expect(metrics).toContain('unlatch_hook_deliveries_total{hook="broken",preset="webhook",outcome="failed"} 0');
  });

  it('a password change, a new method and a removed one reach only the hooks that subscribed to them', async () => {
    const before = targets.calls.length;
    const changed = await t.server.inject({ method: 'POST', url: '/api/v1/password/change', payload: { identifier: 'bob', currentPassword: 'copper lantern meadow', newPassword: 'orchard plankton saffron 62' } });
    expect(changed.statusCode).toBe(200);
    const account = await t.accountOf('carol');
    const enrollment = await t.app.methodRegistration.beginTotp({ account, name: 'Pixel', client });
    expect((await t.app.methodRegistration.finishTotp({ account, methodId: enrollment.methodId, code: totpAt(enrollment.secret, t.clock.now().getTime()), client })).ok).toBe(true);
    const second = await t.app.methodRegistration.beginTotp({ account, name: 'Spare', client });
    t.clock.advance(30);
    expect((await t.app.methodRegistration.finishTotp({ account, methodId: second.methodId, code: totpAt(second.secret, t.clock.now().getTime()), client })).ok).toBe(true);
    const removed = await t.app.methodRegistration.remove({ account, methodId: second.methodId, decision: decidePolicy(t.app.policyFor('demo'), account), client });
    expect(removed.ok).toBe(true);
    await deliverUntil(async () => (await hookRows()).every((r) => r.status !== 'pending'));

    const calls = targets.calls.slice(before);
    const events = calls.filter((c) => c.api === 'webhook').map((c) => JSON.parse(c.body) as { type: string; subject: string; data: { hook: string } });
    // `automation` hears method.added but not method.removed; `methods` only method.removed.
    expect(events.map((e) => `${e.data.hook} ${e.type} ${e.subject}`).sort()).toEqual([
      'automation io.unlatch.hook.method.added carol',
      'automation io.unlatch.hook.method.added carol',
      'automation io.unlatch.hook.password.changed bob',
      'methods io.unlatch.hook.method.removed carol',
    ]);
    // The relying party hears of the change too; Keycloak, Okta and Graph only listen for resets.
    expect(calls.filter((c) => c.api === 'rp-logout')).toHaveLength(1);
    expect(verifiedTokens.at(-1)).toMatchObject({ sub: 'bob' });
    expect(calls.filter((c) => c.api.startsWith('keycloak') || c.api.startsWith('okta') || c.api.startsWith('graph'))).toEqual([]);
    expect(targets.refused).toEqual([]);
  });

  it('a target that is down loses nothing; one that fails for good ends dead, audited, counted and on the System page', async () => {
    await targets.down();
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/unlock', payload: { identifier: 'alice' } });
    expect(start.statusCode).toBe(202);
    const { flowId } = start.json() as { flowId: string };
    const code = await t.codeFor('alice@example.com');
    const verified = await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } });
    expect(verified.statusCode).toBe(200);
    expect((await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/unlock` })).statusCode).toBe(200);
    const unlocked = await t.app.database.db.selectFrom('audit_log').select('seq').where('event', '=', 'account.unlocked').executeTakeFirstOrThrow();
    const automationKey = `hook:automation:${String(unlocked.seq).padStart(16, '0')}`;

    // Down: each try fails (connection refused) and waits; the row stays pending while attempts remain.
    await t.app.worker.runOnce();
    const waiting = (await hookRows()).find((r) => r.idempotency_key === automationKey)!;
    expect(waiting.status).toBe('pending');
    expect(waiting.last_error).toBe('network');

    await targets.up();
    await deliverUntil(async () => (await hookRows()).every((r) => r.status !== 'pending'));
    const rows = await hookRows();
    expect(rows.find((r) => r.idempotency_key === automationKey)?.status).toBe('sent');
    expect(targets.callsTo('webhook').map((c) => (JSON.parse(c.body) as { type: string }).type)).toContain('io.unlatch.hook.account.unlocked');

    // The broken receiver was down for the first try and answered 500 to the others: given up after
    // maxAttempts (3), not dropped in silence.
    const broken = rows.find((r) => r.idempotency_key.startsWith('hook:broken:'))!;
    expect(broken).toMatchObject({ status: 'dead', last_error: 'http_500' });
    expect(targets.callsTo('broken').length).toBe(2);
    const failed = await t.app.database.db.selectFrom('audit_log').select(['details', 'outcome', 'subject_id']).where('event', '=', 'hook.failed').execute();
    expect(failed).toHaveLength(1);
    expect(JSON.parse(failed[0]!.details)).toMatchObject({ hook: 'broken', preset: 'webhook', event: 'account.unlocked', reason: 'http_500', attempts: 3 });
    const metrics = await t.app.metrics.registry.metrics();
    expect(metrics).toContain('unlatch_hook_deliveries_total{hook="broken",preset="webhook",outcome="failed"} 1');
    expect(metrics).toContain('unlatch_hook_deliveries_total{hook="broken",preset="webhook",outcome="retry"} 2');
    expect(metrics).toMatch(/unlatch_hook_deliveries_total\{hook="automation",preset="webhook",outcome="retry"\} [1-9]/);
    expect(metrics).toContain('unlatch_outbox_backlog{kind="hook"} 0');

    const health = await t.app.admin!.system!.hooks!('demo');
    const brokenHealth = health.find((h) => h.name === 'broken')!;
    expect(brokenHealth).toMatchObject({ preset: 'webhook', dead: 1, pending: 0, lastSuccessAt: null });
    expect(brokenHealth.lastError?.message).toBe('http_500');
    expect(health.find((h) => h.name === 'keycloak')?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('`unlatch hooks retry` queues a given-up delivery again, rebuilt from its audit entry, and audits the retry', async () => {
    targets.brokenStatus = 204;
    const configPath = join(dir, `unlatch-${database}.yaml`);
    writeFileSync(configPath, stringify({ mode: 'dev', dataDir: t.config.dataDir, database: { url: t.config.database.url }, publicUrl: 'https://reset.example.org', hooks }));
    const unknown = await cli(['hooks', 'retry', '--config', configPath, '--hook', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no hook named nope');

    const retried = await cli(['hooks', 'retry', '--config', configPath, '--hook', 'broken']);
    expect(retried.stderr).toBe('');
    expect(retried).toMatchObject({ code: 0, stdout: 'broken: 1 queued again\n' });
    const row = (await hookRows()).find((r) => r.idempotency_key.startsWith('hook:broken:'))!;
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    await deliverUntil(async () => (await hookRows()).every((r) => r.status !== 'pending'));
    expect((await hookRows()).find((r) => r.idempotency_key.startsWith('hook:broken:'))?.status).toBe('sent');
    const lastCall = targets.callsTo('broken').at(-1)!;
    expect(JSON.parse(lastCall.body)).toMatchObject({ type: 'io.unlatch.hook.account.unlocked', subject: 'alice' });
    const actions = await t.app.database.db.selectFrom('audit_log').select(['details', 'actor']).where('event', '=', 'admin.action').execute();
    expect(actions.map((a) => ({ actor: a.actor, ...(JSON.parse(a.details) as object) }))).toContainEqual({ actor: 'cli', action: 'hook_retry', hook: 'broken', preset: 'webhook', count: 1 });
    expect((await t.app.admin!.system!.hooks!('demo')).find((h) => h.name === 'broken')).toMatchObject({ dead: 0, pending: 0 });
  });
});
