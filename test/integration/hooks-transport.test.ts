import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HookCallError } from '../../src/adapters/hooks/hook-http.js';
import { hooksJwks, loadLogoutSigningKey } from '../../src/adapters/hooks/logout-signing-key.js';
import { MicrosoftGraphHook } from '../../src/adapters/hooks/presets/microsoft-graph-hook.js';
import { OidcBackchannelHook } from '../../src/adapters/hooks/presets/oidc-backchannel-hook.js';
import { WebhookHook } from '../../src/adapters/hooks/presets/webhook-hook.js';
import { setTracingActive } from '../../src/adapters/observability/tracing.js';
import { validateConfig } from '../../src/config/load-config.js';
import type { HookDeliveryEvent } from '../../src/core/hooks/hook-cloud-event.js';
import { makeLoopbackCertificates } from '../helpers/rsyslog.js';
import { TARGET_SECRETS } from '../helpers/hook-targets.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

const exporter = new InMemorySpanExporter();
const sdk = new NodeSDK({ spanProcessors: [new SimpleSpanProcessor({ exporter })], instrumentations: [], resourceDetectors: [], serviceName: 'unlatch-test' });

const EVENT: HookDeliveryEvent = {
  hook: 'h', preset: 'webhook', event: 'reset.completed', eventId: 'e-1', at: Date.now(), tenantId: 'demo', actor: 'self', flowId: null, accountId: 'u-1',
  subject: { type: 'username', value: 'alice' },
};

/** One HTTPS server whose answer each test sets; it records the paths asked for. */
class Target {
  readonly paths: string[] = [];
  answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string } | 'hang' = () => ({ status: 204 });
  private server: Server | null = null;
  port = 0;

  async up(tls: { key: Buffer; cert: Buffer }): Promise<void> {
    this.server = createServer(tls, (req, res) => {
      req.resume();
      req.on('end', () => {
        this.paths.push(`${req.method} ${req.url}`);
        const answer = this.answer(req.url ?? '');
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.headers).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const hookConfig = (raw: Record<string, unknown>) => validateConfig({ hooks: [raw] }).hooks[0]!;

describe('hook transport: TLS, redirects, deadlines, tokens, keys and the webhook.send span', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-hook-transport-'));
  const target = new Target();
  let caFile: string;
  let url: string;

  beforeAll(async () => {
    sdk.start();
    setTracingActive(true);
    await makeLoopbackCertificates(dir);
    caFile = join(dir, 'ca.pem');
    await target.up({ key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) });
    url = `https://127.0.0.1:${target.port}`;
  });
  afterAll(async () => {
    setTracingActive(false);
    await sdk.shutdown();
    await target.down();
    rmSync(dir, { recursive: true, force: true });
  });

  const webhook = (extra: Record<string, unknown> = {}) => new WebhookHook(hookConfig({ type: 'webhook', name: 'h', url: `${url}/in`, caFile, keys: TARGET_SECRETS.webhookKeys, ...extra }) as never);

  async function failureOf(work: Promise<unknown>): Promise<HookCallError> {
    const error = await work.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(HookCallError);
    return error as HookCallError;
  }

  it('refuses a certificate from a CA it was not given (verification is never off)', async () => {
    target.answer = () => ({ status: 204 });
    const hook = new WebhookHook(hookConfig({ type: 'webhook', name: 'h', url: `${url}/in`, keys: TARGET_SECRETS.webhookKeys }) as never);
    const error = await failureOf(hook.send(EVENT));
    expect(error).toMatchObject({ reason: 'tls', transient: true });
    hook.close();
    const trusted = webhook();
    await trusted.send(EVENT);
    trusted.close();
  });

  it('does not follow a redirect: a 3xx is a failure, the signed event is not sent on', async () => {
    target.answer = (path) => (path === '/in' ? { status: 307, headers: { location: `${url}/elsewhere` } } : { status: 204 });
    const hook = webhook();
    const before = target.paths.length;
    expect(await failureOf(hook.send(EVENT))).toMatchObject({ reason: 'http_307', transient: false });
    expect(target.paths.slice(before)).toEqual(['POST /in']);
    hook.close();
  });

  it('gives up a call at its deadline; 5xx and 429 are retried, 4xx are not', async () => {
    target.answer = () => 'hang';
    const hook = webhook({ timeoutMs: 300 });
    const started = Date.now();
    expect(await failureOf(hook.send(EVENT))).toMatchObject({ reason: 'timeout', transient: true });
    expect(Date.now() - started).toBeLessThan(2000);
    for (const [status, transient] of [[503, true], [429, true], [404, false], [410, false]] as const) {
      target.answer = () => ({ status });
      expect(await failureOf(hook.send(EVENT))).toMatchObject({ reason: `http_${status}`, transient });
    }
    hook.close();
  });

  it('keeps a client-credentials token while it lasts, and fetches a new one after a 401', async () => {
    let revokeAnswer = 401;
    target.answer = (path) => (path.endsWith('/oauth2/v2.0/token') ? { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ access_token: 'tok', expires_in: 3600 }) } : { status: revokeAnswer });
    const graph = new MicrosoftGraphHook(hookConfig({ type: 'microsoft-graph', name: 'g', tenant: 'contoso.example', clientId: 'c', clientSecret: 's', authorityUrl: `${url}/login`, graphUrl: `${url}/graph`, caFile, upnSuffix: 'corp.example' }) as never);
    const before = target.paths.length;
    expect(await failureOf(graph.send({ ...EVENT, subject: { type: 'upn', value: 'alice@corp.example' } }))).toMatchObject({ reason: 'http_401', transient: true });
    revokeAnswer = 200;
    await graph.send({ ...EVENT, subject: { type: 'upn', value: 'alice@corp.example' } });
    await graph.send({ ...EVENT, subject: { type: 'upn', value: 'alice@corp.example' } });
    const tokens = target.paths.slice(before).filter((p) => p.endsWith('/token'));
    // One token before the 401, a new one after it, kept for the third call.
    expect(tokens).toHaveLength(2);
    graph.close();
  });

  it('loads a PEM or JWK signing key, refuses one that does not fit alg, and serves only public halves', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'rsa.pem'), rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    writeFileSync(join(dir, 'ed.jwk'), JSON.stringify(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' })));
    const pem = await loadLogoutSigningKey({ name: 'rp', signingKeyPath: join(dir, 'rsa.pem'), alg: 'RS256', keyId: undefined });
    const jwk = await loadLogoutSigningKey({ name: 'rp2', signingKeyPath: join(dir, 'ed.jwk'), alg: 'EdDSA', keyId: 'ed-1' });
    const jwks = hooksJwks([pem, jwk, pem]);
    expect(jwks.keys.map((k) => k.kid)).toEqual([pem.kid, 'ed-1']);
    for (const key of jwks.keys) expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['d']));
    await expect(loadLogoutSigningKey({ name: 'rp', signingKeyPath: join(dir, 'rsa.pem'), alg: 'ES256', keyId: undefined })).rejects.toThrow(/hooks\.rp\.signingKeyPath: a rsa key cannot sign ES256/);
    await expect(loadLogoutSigningKey({ name: 'rp', signingKeyPath: join(dir, 'missing.pem'), alg: 'RS256', keyId: undefined })).rejects.toThrow(/ENOENT/);

    // A token the relying party verifies; a 400 from it (token refused) is not retried.
    const hook = new OidcBackchannelHook(hookConfig({ type: 'oidc-backchannel', name: 'rp', url: `${url}/bc`, audience: 'rp-client', signingKeyPath: join(dir, 'rsa.pem'), caFile }) as never, pem, 'https://reset.example.org');
    const { payload, protectedHeader } = await jwtVerify(await hook.logoutToken('alice'), createLocalJWKSet(jwks as never), { issuer: 'https://reset.example.org', audience: 'rp-client', typ: 'logout+jwt' });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: pem.kid });
    expect(payload).toMatchObject({ sub: 'alice', events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
    target.answer = () => ({ status: 400 });
    expect(await failureOf(hook.send(EVENT))).toMatchObject({ reason: 'token_refused', transient: false });
    hook.close();
  });

  describe('in the running app', () => {
    let t: TestApp;
    beforeAll(async () => {
      target.answer = () => ({ status: 204 });
      t = await startTestApp({ overrides: { hooks: [{ type: 'webhook', name: 'traced', url: `${url}/traced`, caFile, keys: TARGET_SECRETS.webhookKeys, events: ['password.changed'] }] } });
    });
    afterAll(async () => t?.close());

    it('delivers each hook in a webhook.send span naming the hook, preset and event', async () => {
      const changed = await t.server.inject({ method: 'POST', url: '/api/v1/password/change', payload: { identifier: 'bob', currentPassword: 'copper lantern meadow', newPassword: 'orchard plankton saffron 62' } });
      expect(changed.statusCode).toBe(200);
      exporter.reset();
      await t.deliverMail();
      const spans = exporter.getFinishedSpans().filter((s) => s.name === 'webhook.send');
      expect(spans).toHaveLength(1);
      expect(spans[0]!.attributes).toMatchObject({ 'unlatch.hook': 'traced', 'unlatch.hook.preset': 'webhook', 'unlatch.hook.event': 'password.changed' });
      expect(target.paths.at(-1)).toBe('POST /traced');
    });
  });
});
