import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { importBreachedList } from '../../src/adapters/password/breached/filter-import.js';
import { writeHashList } from '../helpers/breached-lists.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { ALICE, BOB, STRONG_PASSWORD, changePassword, expectProblem, flowAtPasswordStep, setPassword } from './api-client.js';
import { PortalVisitor, visibleText } from './portal-forms.js';

// Long, unusual passphrases: the estimator and the shipped blocklist accept them, only the breach list can refuse them.
const IN_A = 'umbrella frigate lozenge cobalt 58';
const ONLY_IN_B = 'pelican turnstile meringue basalt 71';
const SENTENCE = 'This password has appeared in a data breach. Choose a different one.';

const dir = mkdtempSync(join(tmpdir(), 'unlatch-breached-http-'));
const filter = join(dir, 'breached-sha1.filter');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  writeHashList(join(dir, 'a.txt'), { count: 20_000, passwords: [IN_A] });
  writeHashList(join(dir, 'b.txt'), { count: 20_000, passwords: [IN_A, ONLY_IN_B] });
  await importBreachedList({ input: join(dir, 'a.txt'), output: filter, kind: 'sha1' });
});

/** A logger whose lines the test can wait for. */
function capturingLogger() {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) }));
  const waitFor = async (text: string) => {
    for (let i = 0; i < 400 && !lines.some((l) => l.includes(text)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(lines.some((l) => l.includes(text)), `log line "${text}"`).toBe(true);
  };
  return { logger, waitFor };
}

describe('the offline breached-password check at the password step', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('refuses a breached password through the API with reason "breached"; a filter imported while serving is used without a restart', async () => {
    const log = capturingLogger();
    t = await startTestApp({ overrides: { password: { breachedFilter: { file: filter, pollSeconds: 1 } } }, logger: log.logger });
    const flowId = await flowAtPasswordStep(t, ALICE);

    const refused = expectProblem(await setPassword(t, flowId, IN_A), 422, 'password_rejected');
    expect(refused.reasons).toEqual([{ code: 'breached', message: SENTENCE }]);

    // Not in list A: a password change to it goes through (bob's account).
    expect((await changePassword(t, BOB.username, BOB.password, ONLY_IN_B)).statusCode).toBe(200);

    // Import list B over the configured file while the server runs; it swaps the filter in.
    await importBreachedList({ input: join(dir, 'b.txt'), output: filter, kind: 'sha1' });
    await log.waitFor('breached-password filter replaced');
    const now = expectProblem(await setPassword(t, flowId, ONLY_IN_B), 422, 'password_rejected');
    expect(now.reasons).toEqual([{ code: 'breached', message: SENTENCE }]);

    // The flow stayed at the password step: a password in neither list finishes it.
    expect((await setPassword(t, flowId, STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('the portal page says why in plain words', async () => {
    t = await startTestApp({ overrides: { password: { breachedFilter: { file: filter } } } });
    const v = new PortalVisitor(t);
    const started = await v.fill('/reset', { identifier: ALICE.username });
    await v.follow(started);
    const verified = await v.post('/reset/code', { code: await t.codeFor(ALICE.email) });
    expect(verified.headers.location).toBe('/reset/password');
    await v.follow(verified);
    const refused = await v.follow(await v.post('/reset/password', { password: IN_A, confirm: IN_A }));
    expect(refused.statusCode).toBe(200);
    const text = visibleText(refused.body);
    expect(text).toContain('This password cannot be used:');
    expect(text).toContain(SENTENCE);
    expect(refused.body).not.toContain(IN_A);
  });

  it('a configured filter that is missing or damaged stops the start with the key and the problem', async () => {
    await expect(startTestApp({ overrides: { password: { breachedFilter: { file: join(dir, 'missing.filter') } } } })).rejects.toThrow(
      /config: password\.breachedFilter\.file: .*missing\.filter: file not found/,
    );
    const damaged = join(dir, 'damaged.filter');
    writeFileSync(damaged, 'ULBREACH but nothing else');
    await expect(startTestApp({ overrides: { password: { breachedFilter: { file: damaged } } } })).rejects.toThrow(/config: password\.breachedFilter\.file: .*damaged\.filter: /);
    // A SHA-1 filter named as the NTLM file is the wrong kind.
    await expect(startTestApp({ overrides: { password: { breachedFilter: { file: filter, ntlmFile: filter } } } })).rejects.toThrow(
      /password\.breachedFilter\.ntlmFile: .*holds the SHA-1 list, expected NTLM/,
    );
  });
});
