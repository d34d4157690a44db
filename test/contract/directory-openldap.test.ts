import { LdapDirectory } from '../../src/adapters/directory/ldap-directory.js';
import { DIRECTORY_PEOPLE } from '../helpers/directory-people.js';
import { shouldRun } from '../helpers/services.js';
import { BASE_DN, POLICY_DN, slapdAvailable, startSlapd } from '../helpers/slapd.js';
import { openTempSqliteStore } from '../helpers/temp-sqlite-store.js';
import { TestClock } from '../helpers/test-clock.js';
import { addLdapPeople } from '../helpers/ldap-people.js';
import { directoryPeopleContract, type PeopleTarget } from './directory-people.contract.js';
import { directoryContract } from './directory.contract.js';

const TENANT = 'demo';

const target: PeopleTarget = {
  name: 'OpenLDAP (real slapd with ppolicy and memberof)',
  async open() {
    const slapd = await startSlapd();
    // The LDAP write does not touch the store, but it is committed inside a real transaction as in the flows.
    const { store, close } = await openTempSqliteStore(new TestClock());
    const directory = new LdapDirectory({
      tenantId: TENANT,
      url: slapd.url,
      insecure: true,
      bindDn: slapd.service.dn,
      bindPassword: slapd.service.password,
      baseDn: BASE_DN,
      passwordPolicyDn: POLICY_DN,
    });
    return {
      directory,
      tenantId: TENANT,
      transaction: (work) => store.transaction(work),
      async lockOut(name) {
        // The real thing: ppolicy locks after pwdMaxFailure (3) failed binds, here from ldapwhoami.
        for (let i = 0; i < 3; i++) await slapd.whoami(slapd.dnOf(name), `wrong-${i}-${DIRECTORY_PEOPLE[name].password}`);
      },
      addPeople: (people) => addLdapPeople(slapd, people),
      close: async () => {
        await close();
        await slapd.stop();
      },
    };
  },
};
const available = () => shouldRun('slapd (OpenLDAP server and tools)', slapdAvailable());

directoryContract(target, available);
directoryPeopleContract(target, available);
