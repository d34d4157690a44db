import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawConfig } from '../../src/config/schema.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { signInDemoOperator } from './admin-operator.js';
import { type PortalVisitor, visibleText } from './portal-forms.js';

/** The console's person page shows each recent start's risk decision in words, read from the audit. */
describe('console: risk decisions on the person page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-risk-console-'));
  let t: TestApp;
  let operator: PortalVisitor;
  beforeAll(async () => {
    const list = join(dir, 'bad.txt');
    writeFileSync(list, '203.0.113.0/24\n');
    t = await startTestApp({
      overrides: {
        server: { trustProxy: true },
        risk: { reputationLists: [{ name: 'known-bad', file: list, points: 60 }], bands: [{ min: 50, action: 'deny' }], proofOfWork: { mode: 'never' } },
      } as RawConfig,
    });
    operator = await signInDemoOperator(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists an allowed and a denied start with score, decision and reasons', async () => {
    const alice = await t.accountOf('alice');
    const before = visibleText((await operator.get(`/admin/t/demo/people/${encodeURIComponent(alice.id)}`)).body);
    expect(before).toContain('Risk at recent starts');
    expect(before).toContain('No start of a reset or unlock has a risk decision yet.');

    await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' }, headers: { 'x-forwarded-for': '192.0.2.1' } });
    await t.server.inject({ method: 'POST', url: '/api/v1/reset', payload: { identifier: 'alice' }, headers: { 'x-forwarded-for': '203.0.113.8' } });
    const page = await operator.get(`/admin/t/demo/people/${encodeURIComponent(alice.id)}`);
    expect(page.statusCode).toBe(200);
    const text = visibleText(page.body);
    expect(text).toContain('Denied (the neutral answer)');
    expect(text).toContain('The address is on the reputation list known-bad (+60)');
    expect(text).toContain('Allowed');
    expect(text).toContain('Nothing unusual');
    // A table with headers, not colour: the decision is in words.
    expect(page.body).toMatch(/<th scope="col">Decision<\/th>/);
  });
});
