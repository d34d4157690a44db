import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';
import { parseListen } from '../../src/http/metrics-server.js';
import { freePort } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('a separate metrics listener (metrics.listen)', () => {
  let t: TestApp;
  let metricsPort: number;
  let publicUrl: string;
  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startTestApp({ overrides: { metrics: { listen: `127.0.0.1:${metricsPort}` } } });
    const address = await t.app.listen();
    publicUrl = address.replace('0.0.0.0', '127.0.0.1');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves /metrics on its own port and not on the public one', async () => {
    const scraped = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    expect(await scraped.text()).toContain('unlatch_reset_events_total');

    const onPublic = await fetch(`${publicUrl}/metrics`);
    expect(onPublic.status).toBe(404);
    // The public port still serves everything else.
    expect((await fetch(`${publicUrl}/healthz`)).status).toBe(200);
  });

  it('serves nothing but /metrics there', async () => {
    const other = await fetch(`http://127.0.0.1:${metricsPort}/api/v1/reset`, { method: 'POST' });
    expect(other.status).toBe(404);
    expect(await other.text()).toContain('/metrics only');
  });

  it('closes with the app', async () => {
    await t.close();
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });
});

describe('metrics.listen values', () => {
  it('takes host:port, bracketed IPv6 included', () => {
    expect(parseListen('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parseListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(validateConfig({ metrics: { listen: 'metrics.internal:9464' } }).metrics.listen).toBe('metrics.internal:9464');
  });

  it('refuses anything else with a message naming the key', () => {
    expect(() => validateConfig({ metrics: { listen: '9464' } })).toThrow(/metrics\.listen/);
    expect(() => validateConfig({ metrics: { listen: '0.0.0.0:99999' } })).toThrow(/metrics\.listen/);
  });
});
