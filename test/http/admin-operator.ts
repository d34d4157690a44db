import { expect } from 'vitest';
import { DEMO_OPERATOR } from '../../src/adapters/store/demo-seed.js';
import { totpAt } from '../../src/core/methods/totp/totp.js';
import type { TestApp } from '../helpers/test-app.js';
import { PortalVisitor } from './portal-forms.js';

/** The demo operator signed in to the console through its pages (password, then the authenticator code). */
export async function signInDemoOperator(t: TestApp): Promise<PortalVisitor> {
  const operator = new PortalVisitor(t);
  // A fresh authenticator step: a code is never accepted twice.
  t.clock.advance(31);
  await operator.get('/admin/sign-in');
  await operator.post('/admin/sign-in', { username: DEMO_OPERATOR.username, password: DEMO_OPERATOR.password });
  await operator.get('/admin/sign-in/verify');
  const done = await operator.post('/admin/sign-in/verify', { code: totpAt(DEMO_OPERATOR.totpSeed, t.clock.now().getTime()) });
  expect(done.headers.location).toBe('/admin');
  return operator;
}
