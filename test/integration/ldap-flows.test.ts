import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIRECTORY_PEOPLE, type PersonName } from '../helpers/directory-people.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd, type Slapd } from '../helpers/slapd.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { changePassword, expectProblem, flowAtPasswordStep, getJson, plainReasons, postJson, setPassword, verify } from '../http/api-client.js';
import { PortalVisitor, visibleText } from '../http/portal-forms.js';

/**
 * People who live in a real slapd (ppolicy: minimum length 8, history 3, lockout after 3 wrong binds) reset,
 * change and unlock through Unlatch's JSON API and portal forms. Every outcome is checked with ldapwhoami,
 * a client that shares no code with the adapter. reset-ldap-directory.test.ts has the plain reset and the
 * copies to a second directory; this file has everything around them.
 *
 * Passwords here pass Unlatch's own rules (long, uncommon, no name in them), so a refusal comes from slapd.
 */

const pgUp = shouldRun('PostgreSQL', await postgresAvailable());

describe.runIf(shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable()))('reset, change and unlock of OpenLDAP people through the API and the portal (real slapd)', () => {
  let slapd: Slapd;
  let t: TestApp;

  beforeAll(async () => {
    slapd = await startSlapd();
    t = await startTestApp({ overrides: tenantOverrides() });
  });
  afterAll(async () => {
    await t?.close();
    await slapd?.stop();
  });

  /** The demo tenant, served by this slapd alone. */
  const tenantOverrides = () => ({
    tenants: [
      {
        id: 'demo',
        name: 'Demo Company',
        directories: [{ type: 'ldap' as const, url: slapd.url, insecure: true, bindDn: slapd.service.dn, bindPassword: slapd.service.password, baseDn: BASE_DN, passwordPolicyDn: POLICY_DN }],
      },
    ],
    defaultTenant: 'demo',
  });
  const person = (name: PersonName) => DIRECTORY_PEOPLE[name];
  const binds = (name: PersonName, password: string) => slapd.whoami(slapd.dnOf(name), password);
  /** Locks a person out the way it happens: ppolicy counts wrong binds (pwdMaxFailure 3) and sets pwdAccountLockedTime. */
  const lockOut = async (name: PersonName) => {
    for (let i = 0; i < 3; i++) expect(await binds(name, `wrong-${i}-${person(name).password}`)).toBe(false);
    expect((await slapd.read(slapd.dnOf(name), ['pwdAccountLockedTime'])).pwdAccountLockedTime).toHaveLength(1);
    // Locked: even the right password is refused now.
    expect(await binds(name, person(name).password)).toBe(false);
  };
  const flowNext = async (flowId: string) => (await getJson(t, `/api/v1/reset/${flowId}`)).json<{ next: string }>().next;

  describe('API', () => {
    it("a person's own change is written as them: the new password binds, the old does not; a wrong current one changes nothing", async () => {
      const first = 'walnut harbour sextant glimmer 58';
      const wrong = await changePassword(t, 'erin', 'not-erins-password-at-all', first);
      expectProblem(wrong, 401, 'invalid_credentials');
      expect(await binds('erin', person('erin').password)).toBe(true);

      const changed = await changePassword(t, 'erin', person('erin').password, first);
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toEqual({ status: 'changed' });
      expect(await binds('erin', first)).toBe(true);
      expect(await binds('erin', person('erin').password)).toBe(false);
    });

    it('ppolicy history: going back to a recent password is 422 password_rejected in plain words, for a change and for a reset', async () => {
      // Erin's password is `first` since the test above (tests in a file run in order).
      const first = 'walnut harbour sextant glimmer 58';
      const second = 'cobalt ferry lichen paddock 36';
      expect((await changePassword(t, 'erin', first, second)).statusCode).toBe(200);

      const back = await changePassword(t, 'erin', second, first);
      const reasons = plainReasons(expectProblem(back, 422, 'password_rejected'));
      expect(reasons).toEqual([{ code: 'in_history', message: 'You have used this password before; choose one you have not used recently.' }]);
      expect(await binds('erin', second)).toBe(true);
      expect(await binds('erin', first)).toBe(false);

      // A reset is an administrator's write, and the service account is not the rootdn: history applies too.
      const flowId = await flowAtPasswordStep(t, person('erin'));
      const reused = await setPassword(t, flowId, second);
      expect(plainReasons(expectProblem(reused, 422, 'password_rejected')).map((r) => r.code)).toEqual(['in_history']);
      // The flow waits at its step; the next password goes through.
      expect(await flowNext(flowId)).toBe('set_password');
      const third = 'saddle quasar nutmeg thicket 72';
      const done = await setPassword(t, flowId, third);
      expect(done.statusCode, done.body).toBe(200);
      expect(await binds('erin', third)).toBe(true);
      expect(await binds('erin', second)).toBe(false);
    });

    it("the person's own ppolicy: its minimum length and minimum age arrive as plain sentences", async () => {
      // A policy of grace's own, stricter than Unlatch's rules, so slapd is the one refusing.
      const strict = `cn=strict,ou=policies,${BASE_DN}`;
      await slapd.asRoot((client) =>
        client.add(strict, {
          objectClass: ['organizationalRole', 'pwdPolicy'],
          cn: 'strict',
          pwdAttribute: 'userPassword',
          pwdMinLength: '40',
          pwdMinAge: '3600',
          pwdCheckQuality: '1',
          pwdAllowUserChange: 'TRUE',
        }),
      );
      await slapd.replace(slapd.dnOf('grace'), 'pwdPolicySubentry', [strict]);

      const short = 'juniper atlas wicker foxglove 19'; // 32 characters: enough for Unlatch, not for this policy
      const tooShort = await changePassword(t, 'grace', person('grace').password, short);
      expect(plainReasons(expectProblem(tooShort, 422, 'password_rejected'))).toEqual([{ code: 'too_short', message: 'Use at least 40 characters (this one has 32).' }]);
      expect(await binds('grace', person('grace').password)).toBe(true);

      const long = 'juniper atlas wicker foxglove lagoon marzipan 19';
      expect((await changePassword(t, 'grace', person('grace').password, long)).statusCode).toBe(200);
      const again = await changePassword(t, 'grace', long, 'tapestry ember quiver dolomite sorrel bayou 64');
      expect(plainReasons(expectProblem(again, 422, 'password_rejected'))).toEqual([
        { code: 'too_young', message: 'This password was changed too recently to change it again yet; try again later.' },
      ]);
      expect(await binds('grace', long)).toBe(true);
    });

    it('unlock: locked by wrong binds, unlocked after the emailed code; the unchanged password works again', async () => {
      await lockOut('dave');
      const started = await postJson(t, '/api/v1/unlock', { identifier: 'dave' });
      expect(started.statusCode, started.body).toBe(202);
      const { flowId } = started.json<{ flowId: string }>();
      const verified = await verify(t, flowId, await t.codeFor(person('dave').email));
      expect(verified.json()).toMatchObject({ next: 'unlock' });

      const unlocked = await postJson(t, `/api/v1/reset/${flowId}/unlock`, {});
      expect(unlocked.statusCode, unlocked.body).toBe(200);
      expect(unlocked.json()).toEqual({ next: 'done', wasLocked: true });
      expect((await slapd.read(slapd.dnOf('dave'), ['pwdAccountLockedTime'])).pwdAccountLockedTime ?? []).toEqual([]);
      expect(await binds('dave', person('dave').password)).toBe(true);
    });

    it('slapd down mid-flow: 503 directory_unavailable, the flow waits at the password step, and finishes once slapd is back', async () => {
      const flowId = await flowAtPasswordStep(t, person('frank'));
      const password = 'meadow cinder palisade yonder 27';
      await slapd.halt();
      try {
        expectProblem(await setPassword(t, flowId, password), 503, 'directory_unavailable');
        // Nothing was spent: the flow waits at the same step.
        expect(await flowNext(flowId)).toBe('set_password');
      } finally {
        await slapd.resume();
      }
      expect(await binds('frank', password)).toBe(false);
      // Back up: the same flow goes on (and the lease on the account was given back).
      const done = await setPassword(t, flowId, password);
      expect(done.statusCode, done.body).toBe(200);
      // Proven after the write: Unlatch signed in as frank with the new password.
      expect(done.json()).toEqual({ next: 'done', signInVerified: true });
      expect(await binds('frank', password)).toBe(true);
      expect(await binds('frank', person('frank').password)).toBe(false);
    });

    // SQLite runs one transaction at a time; PostgreSQL lets both writes overlap, as two nodes would.
    it.each(pgUp ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const))('a reset and a change of one account at once (%s): exactly one writes, and slapd holds its password', async (database) => {
      const app = database === 'sqlite' ? t : await startTestApp({ database, overrides: tenantOverrides() });
      try {
        // One live flow per account (the store refuses a second), so the writer that can race a reset is the person's own change.
        const flowId = await flowAtPasswordStep(app, person('bob'));
        const current = (await binds('bob', person('bob').password)) ? person('bob').password : null;
        expect(current, 'bob still has his first password').not.toBeNull();
        const passwords = [`orchard tundra kestrel viaduct ${database}`, `plankton saffron gazebo rivulet ${database}`] as const;
        const answers = await Promise.all([setPassword(app, flowId, passwords[0]), changePassword(app, 'bob', current!, passwords[1])]);
        const statuses = answers.map((r) => r.statusCode);
        expect(statuses.filter((s) => s === 200), answers.map((r) => r.body).join('\n')).toHaveLength(1);
        // The loser was refused: the account busy (409), the flow ended by the change (410), or the old password gone (401).
        expect([401, 409, 410]).toContain(statuses.find((s) => s !== 200));
        const winner = statuses[0] === 200 ? 0 : 1;
        expect(await binds('bob', passwords[winner])).toBe(true);
        expect(await binds('bob', passwords[1 - winner]!)).toBe(false);
        // Put bob's first password back for the next database (the directory is shared).
        await slapd.replace(slapd.dnOf('bob'), 'userPassword', [person('bob').password]);
      } finally {
        if (app !== t) await app.close();
      }
    });
  });

  describe('portal', () => {
    it('a reset through the forms: code, new password, done; slapd takes the password', async () => {
      const password = 'gossamer trellis opal windmill 85';
      const v = new PortalVisitor(t);
      const started = await v.fill('/reset', { identifier: 'heidi' });
      expect(started.headers.location).toBe('/reset/code');
      await v.follow(started);
      const proven = await v.post('/reset/code', { code: await t.codeFor(person('heidi').email) });
      expect(proven.headers.location).toBe('/reset/password');
      await v.follow(proven);
      const done = await v.post('/reset/password', { password, confirm: password });
      // Not /reset/done?signin=pending: the sign-in check with the new password worked.
      expect(done.headers.location, done.body).toBe('/reset/done');
      expect(visibleText((await v.follow(done)).body)).toContain('Your password has been reset');
      expect(await binds('heidi', password)).toBe(true);
      expect(await binds('heidi', person('heidi').password)).toBe(false);
    });

    it('a change through the form, as the person', async () => {
      const password = 'brindle quarry anemone solstice 40';
      const v = new PortalVisitor(t);
      const changed = await v.fill('/change', { identifier: 'twin2', currentPassword: person('twin2').password, newPassword: password, confirmPassword: password });
      expect(changed.headers.location, changed.body).toBe('/change/done');
      expect(await binds('twin2', password)).toBe(true);
      expect(await binds('twin2', person('twin2').password)).toBe(false);
    });

    it('an unlock through the forms, for a person with a non-ASCII username typed with a capital', async () => {
      await lockOut('jurgen');
      const v = new PortalVisitor(t);
      const started = await v.fill('/unlock', { identifier: 'Jürgen' });
      expect(started.headers.location).toBe('/reset/code');
      await v.follow(started);
      const proven = await v.post('/reset/code', { code: await t.codeFor(person('jurgen').email) });
      expect(proven.headers.location).toBe('/reset/unlock');
      await v.follow(proven);
      const done = await v.post('/reset/unlock', {});
      expect(done.headers.location).toBe('/reset/unlocked');
      expect(visibleText((await v.follow(done)).body)).toContain('Your account is unlocked.');
      expect(await binds('jurgen', person('jurgen').password)).toBe(true);
    });
  });
});
