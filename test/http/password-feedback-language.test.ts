import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { BOB } from './api-client.js';

/** The portal catalogue of a language, as shipped. */
function catalogue(language: string): Record<string, string> {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'locales', language, 'portal.json'), 'utf8')) as Record<string, string>;
}

/** A too-weak password's own feedback (zxcvbn's warning and suggestions) in the request's language. */
describe('the strength estimator speaks the person’s language', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Long enough for every length rule; the estimator finds it close to a common password. */
  const WEAK = 'qwertyuiopasdfgh';

  async function tooWeakIn(language: string): Promise<string> {
    const res = await t.server.inject({
      method: 'POST',
      url: '/api/v1/password/change',
      headers: { 'content-type': 'application/json', 'accept-language': language },
      payload: { identifier: BOB.username, currentPassword: BOB.password, newPassword: WEAK },
    });
    expect(res.statusCode, res.body).toBe(422);
    const reasons = (res.json() as { reasons: Array<{ code: string; message: string }> }).reasons;
    const weak = reasons.find((r) => r.code === 'too_weak');
    expect(weak, res.body).toBeDefined();
    return weak!.message;
  }

  it('English: the estimator’s own sentences follow the rule', async () => {
    const english = await tooWeakIn('en');
    expect(english).toContain('This is similar to a commonly used password.');
    expect(english).toContain('Add more words that are less common.');
  });

  it.each(['de', 'fr', 'es', 'ar'])('%s: the same warning and suggestion from the catalogue, no English left', async (language) => {
    const words = catalogue(language);
    const message = await tooWeakIn(language);
    expect(message).toContain(words['password.estimator.warnings.similarToCommon']);
    expect(message).toContain(words['password.estimator.suggestions.anotherWord']);
    expect(message).not.toMatch(/commonly used|less common/);
  });
});
