import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('logs', () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestApp({ logger: createLogger('debug', sink) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('are JSON lines with a correlation id, and never hold a flow id, code or password', async () => {
    const start = await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' }, headers: { 'x-request-id': 'corr-12345678' } });
    const { flowId } = start.json() as { flowId: string };
    expect(start.headers['x-request-id']).toBe('corr-12345678');
    const code = await t.codeFor('alice@example.com');
    await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code: '000000' === code ? '111111' : '000000' } });
    await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/verify`, payload: { code } });
    await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'short' } });
    await t.server.inject({ method: 'POST', url: `/api/v1/reset/${flowId}/password`, payload: { password: 'saffron kettle harbor 93' } });
    await t.deliverMail();

    expect(lines.length).toBeGreaterThan(5);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => l.reqId === 'corr-12345678')).toBe(true);
    expect(parsed.some((l) => JSON.stringify(l).includes('/api/v1/reset/:flowId/verify'))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(flowId);
    // Digits alone could hide inside a timestamp; a code would stand on its own.
    expect(all).not.toMatch(new RegExp(`(?<![0-9])${code}(?![0-9])`));
    expect(all).not.toContain('saffron kettle harbor 93');
    expect(all).not.toContain('violet sandwich glacier');
  });
});
