import { describe, expect, it } from 'vitest';
import { identityFromClaims } from '../../../src/core/admin/oidc-identity.js';
import { isUnlatchError } from '../../../src/core/errors.js';

const NAMES = { rolesClaim: 'groups', usernameClaim: 'preferred_username' };

describe('identityFromClaims', () => {
  it('maps sub, the username claim, name and the groups array', () => {
    const id = identityFromClaims({ sub: 's1', preferred_username: 'ada', name: 'Ada L', groups: ['unlatch-admins', 'staff', 'staff'] }, NAMES, 'demo');
    expect(id).toEqual({ tenantId: 'demo', subject: 's1', username: 'ada', displayName: 'Ada L', groups: ['unlatch-admins', 'staff'] });
  });

  it('falls back to email, then sub, for the username, and to the username for the name', () => {
    expect(identityFromClaims({ sub: 's1', email: 'a@example.org' }, NAMES, 'demo')).toMatchObject({ username: 'a@example.org', displayName: 'a@example.org' });
    expect(identityFromClaims({ sub: 's1' }, NAMES, 'demo')).toMatchObject({ username: 's1', displayName: 's1' });
  });

  it('reads the configured roles claim, and takes one string as one group', () => {
    expect(identityFromClaims({ sub: 's1', roles: 'unlatch-admins', groups: ['x'] }, { ...NAMES, rolesClaim: 'roles' }, 'demo').groups).toEqual(['unlatch-admins']);
  });

  it('grants nothing for a roles claim that is not strings', () => {
    expect(identityFromClaims({ sub: 's1', groups: { admin: true } }, NAMES, 'demo').groups).toEqual([]);
    expect(identityFromClaims({ sub: 's1', groups: [1, null, '', 'ok'] }, NAMES, 'demo').groups).toEqual(['ok']);
  });

  it('refuses claims without a usable sub', () => {
    let caught: unknown;
    try {
      identityFromClaims({ sub: '  ' }, NAMES, 'demo');
    } catch (error) {
      caught = error;
    }
    expect(isUnlatchError(caught) && caught.code === 'sso_failed' && caught.details.reason === 'claims_invalid').toBe(true);
  });
});
