import { describe, expect, it } from 'vitest';
import { firstRdnValue } from '../../src/adapters/directory/ad-dn.js';

describe('firstRdnValue (group names from memberOf DNs)', () => {
  it.each([
    ['CN=admins,OU=Groups,DC=example,DC=test', 'admins'],
    ['CN=ops (EU),OU=Groups,DC=example,DC=test', 'ops (EU)'],
    ['CN=Sales\\, EU,OU=Groups,DC=example,DC=com', 'Sales, EU'],
    ['CN=a\\+b\\=c\\"d\\\\e,DC=x', 'a+b=c"d\\e'],
    ['CN=Zo\\C3\\AB,DC=x', 'Zoë'],
    ['CN=Zoë,DC=x', 'Zoë'],
    ['CN=\\ lead and trail\\ ,DC=x', ' lead and trail '],
    ['CN=😀 fans,DC=x', '😀 fans'],
    ['CN=first+OU=second,DC=x', 'first'],
    ['CN=only', 'only'],
  ])('%s → %j', (dn, value) => {
    expect(firstRdnValue(dn)).toBe(value);
  });

  it('is null for a malformed DN or the #hex form', () => {
    expect(firstRdnValue('no equals sign')).toBeNull();
    expect(firstRdnValue('=value')).toBeNull();
    expect(firstRdnValue('CN=#04024869,DC=x')).toBeNull();
    expect(firstRdnValue('CN=trailing\\')).toBeNull();
  });
});
