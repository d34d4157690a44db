import { createHash, randomBytes } from 'node:crypto';
import { escapeDnValue } from '../../src/adapters/directory/ldap-escape.js';
import type { ExtraPerson } from '../contract/directory-people.contract.js';
import { PEOPLE_DN, type Slapd } from './slapd.js';

/** The DN an added person gets: `uid=<username>,ou=people,…` (escaped). */
export function addedPersonDn(username: string): string {
  return `uid=${escapeDnValue(username)},${PEOPLE_DN}`;
}

/** Adds people to a test slapd as the rootdn, each an inetOrgPerson with an `{SSHA}` password, no groups. */
export async function addLdapPeople(slapd: Slapd, people: ExtraPerson[]): Promise<void> {
  await slapd.asRoot(async (client) => {
    for (const person of people) {
      await client.add(addedPersonDn(person.username), {
        objectClass: 'inetOrgPerson',
        uid: person.username,
        cn: person.displayName,
        sn: person.displayName.split(' ').at(-1)!,
        mail: person.email,
        userPassword: ssha(person.password),
      });
    }
  });
}

/** RFC 2307 `{SSHA}`: SHA-1 of password + salt, then the salt, base64. What slappasswd makes. */
function ssha(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(password, 'utf8').update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}
