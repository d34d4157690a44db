import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { freePort } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** `admin.listen`: the console and its API on a listener of their own, and not on the public port. */
describe('a separate console listener (admin.listen)', () => {
  let t: TestApp;
  let adminUrl: string;
  let publicUrl: string;
  beforeAll(async () => {
    const port = await freePort();
    adminUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({ overrides: { admin: { listen: `127.0.0.1:${port}` } } });
    publicUrl = (await t.app.listen()).replace('0.0.0.0', '127.0.0.1');
  });
  afterAll(async () => t?.close());

  it('serves the console and the admin API there', async () => {
    const signIn = await fetch(`${adminUrl}/admin/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain('Sign in to the console');
    expect((await fetch(`${adminUrl}/api/v1/admin/me`)).status).toBe(401);
    expect((await fetch(`${adminUrl}/healthz`)).status).toBe(200);
  });

  it('leaves the console, its API and its OpenAPI entries off the public port, and the portal off the console port', async () => {
    expect((await fetch(`${publicUrl}/admin/sign-in`)).status).toBe(404);
    expect((await fetch(`${publicUrl}/api/v1/admin/me`)).status).toBe(404);
    const openapi = (await (await fetch(`${publicUrl}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths).some((p) => p.startsWith('/api/v1/admin'))).toBe(false);
    expect(Object.keys(openapi.paths).some((p) => p.startsWith('/api/v1/reset'))).toBe(true);
    expect((await fetch(`${adminUrl}/reset`)).status).toBe(404);
    expect((await fetch(`${adminUrl}/api/v1/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
  });

  it("answers the browser's own /favicon.ico request there with Unlatch's icon, the same bytes the portal serves", async () => {
    const onConsole = await fetch(`${adminUrl}/favicon.ico`);
    expect(onConsole.status).toBe(200);
    expect(onConsole.headers.get('content-type')).toBe('image/x-icon');
    const bytes = Buffer.from(await onConsole.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    const onPortal = Buffer.from(await (await fetch(`${publicUrl}/favicon.ico`)).arrayBuffer());
    expect(bytes.equals(onPortal)).toBe(true);
    // Revalidated by its ETag, like the portal's.
    const again = await fetch(`${adminUrl}/favicon.ico`, { headers: { 'if-none-match': onConsole.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('refuses a listen value that is not host:port', () => {
    expect(() => validateConfig({ admin: { listen: 'console' } })).toThrow(/admin\.listen: host:port/);
  });
});
