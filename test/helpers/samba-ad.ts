import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readEntry, replaceAttribute } from './ldap-entry-tools.js';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Attribute, Change, Client } from 'ldapts';
import { encodeUnicodePwd } from '../../src/adapters/directory/ad-password.js';
import { escapeDnValue } from '../../src/adapters/directory/ldap-escape.js';
import { DIRECTORY_PEOPLE, groupsWithMembers, type DirectoryPerson, type PersonName } from './directory-people.js';

/**
 * A real Samba AD domain controller for the Active Directory tests: provisioned into a temp directory,
 * started as a child process, stopped by its PID.
 *
 * Samba listens on the standard ports only (389, 636, 88, 445, 3268 on loopback), so two of these cannot
 * run at once: every AD test lives in one test file, and startup first ends any Samba an earlier, aborted
 * run of ours left behind (recognised by its temp directory, never by name alone).
 */

const run = promisify(execFile);

const SAMBA = process.env.UNLATCH_TEST_SAMBA ?? '/usr/sbin/samba';
const SAMBA_TOOL = process.env.UNLATCH_TEST_SAMBA_TOOL ?? '/usr/bin/samba-tool';
const LDAPSEARCH = process.env.UNLATCH_TEST_LDAPSEARCH ?? '/usr/bin/ldapsearch';
const DIR_PREFIX = 'unlatch-samba-';

export const REALM = 'EXAMPLE.TEST';
export const NETBIOS_DOMAIN = 'EXAMPLE';
export const DOMAIN_DN = 'DC=example,DC=test';
export const PEOPLE_OU = `OU=People,${DOMAIN_DN}`;
export const GROUPS_OU = `OU=Groups,${DOMAIN_DN}`;
/** An OU whose name needs escaping in a DN and in a filter, for a person with a non-ASCII name. */
export const ODD_OU = `OU=Ops (EU)\\, Nordics,${PEOPLE_OU}`;
/** The name on Samba's self-signed certificate (CN=DC1.example.test, no IP address in it). */
export const TLS_SERVER_NAME = 'dc1.example.test';
export const LDAPS_URL = 'ldaps://127.0.0.1:636';
export const LDAP_URL = 'ldap://127.0.0.1:389';

/** The domain's password settings the tests rely on (readPasswordRules must read these back). */
export const DOMAIN_POLICY = {
  minLength: 8,
  historyLength: 2,
  complexity: true,
  minAgeSeconds: 0,
  lockoutThreshold: 3,
} as const;

/** People only the AD tests know, beside the shared DIRECTORY_PEOPLE. */
export const AD_PEOPLE = {
  /** A non-ASCII name in an OU with a comma and parentheses: escaping in DNs and filters, nested groups. */
  zoe: { username: 'zoë', email: 'zoe@example.org', displayName: 'Zoë (Ops)', groups: ['ops (EU)'], password: 'zoe-Secret-2024' },
  /** Under a PSO (min length 12, history 5, minimum age 1 day): rules from the PSO, "too young". */
  ivan: { username: 'ivan', email: 'ivan@example.org', displayName: 'Ivan Example', groups: [], password: 'ivan-Secret-2024' },
  /** Outside OU=People, where the service account has no delegated rights. */
  oscar: { username: 'oscar', email: 'oscar@example.org', displayName: 'Oscar Outside', groups: [], password: 'oscar-Secret-2024' },
  /** For the HTTP-level tests (active-directory-http.cases.ts), one flow each: a reset, an own change, an unlock, a portal reset. */
  petra: { username: 'petra', email: 'petra@example.org', displayName: 'Petra Example', groups: [], password: 'petra-Secret-2024' },
  quentin: { username: 'quentin', email: 'quentin@example.org', displayName: 'Quentin Example', groups: [], password: 'quentin-Secret-2024' },
  rita: { username: 'rita', email: 'rita@example.org', displayName: 'Rita Example', groups: [], password: 'rita-Secret-2024' },
  sven: { username: 'sven', email: 'sven@example.org', displayName: 'Sven Example', groups: [], password: 'sven-Secret-2024' },
} as const satisfies Record<string, DirectoryPerson>;

export type AdPersonName = keyof typeof AD_PEOPLE;

/** The PSO applied to ivan. */
export const IVAN_PSO = { name: 'ivan-pso', minLength: 12, historyLength: 5, minAgeSeconds: 86_400, lockoutThreshold: 5 } as const;

/** A group whose only member is the group `staff`: found only by a nested lookup. */
export const NESTED_GROUP = 'all-staff';

/** Whether Samba AD and the OpenLDAP tools are installed, and we may bind the privileged ports. */
export function sambaAvailable(): boolean {
  return [SAMBA, SAMBA_TOOL, LDAPSEARCH].every((path) => existsSync(path)) && process.getuid?.() === 0;
}

/** A running throwaway Samba AD DC. */
export interface SambaAd {
  /** `ldaps://127.0.0.1:636`. */
  url: string;
  /** `ldap://127.0.0.1:389`, for StartTLS. */
  startTlsUrl: string;
  /** Samba's generated CA certificate (PEM), to trust explicitly. */
  caPem: string;
  /** The name the DC's certificate carries; the URL's 127.0.0.1 is not in it. */
  tlsServerName: string;
  /** Where people live (OU=People). */
  baseDn: string;
  domainDn: string;
  /** Administrator: for arranging and reading state only, never for the adapter. */
  admin: { upn: string; password: string };
  /** The non-admin service account, delegated Reset Password / Write lockoutTime / Write pwdLastSet on OU=People. */
  service: { dn: string; upn: string; password: string };
  pid: number;
  dir: string;
  dnOf(name: PersonName | AdPersonName): string;
  /** Binds with `ldapsearch` (OpenLDAP's client, independent of ldapts); true when the bind works. */
  bindWorks(dn: string, password: string): Promise<boolean>;
  /** A bind with ldapts, returning AD's diagnostic message on failure: for locking people out and reading data codes. */
  tryBind(dn: string, password: string): Promise<string | null>;
  asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** Reads attributes (constructed ones too, when named) of an entry as Administrator. */
  read(dn: string, attributes: string[]): Promise<Record<string, string[]>>;
  /** Replaces an attribute of an entry as Administrator. */
  replace(dn: string, attribute: string, values: string[]): Promise<void>;
  /** Lets the service account read PSOs (AD's default ACL hides their settings). */
  grantPsoRead(): Promise<void>;
  /** Stops Samba by its PID and removes its directory. */
  stop(): Promise<void>;
}

/** What this DC listens on (DNS, NetBIOS and WINS are off): Kerberos, RPC, SMB, LDAP(S), kpasswd, global catalog. */
const SAMBA_TCP_PORTS = [88, 135, 139, 389, 445, 464, 636, 3268, 3269];

/** Provisions and starts a Samba AD DC, seeded with DIRECTORY_PEOPLE, AD_PEOPLE, groups and a PSO. */
export async function startSambaAd(options: { oldPasswordAllowedPeriodMinutes?: number } = {}): Promise<SambaAd> {
  // Samba has once exited (1) during its start in a busy full run and never alone: a second start, on a fresh
  // directory, with the first failure and its log on stderr. The tests themselves are never repeated.
  for (let attempt = 1; ; attempt++) {
    killLeftovers();
    await waitForPortsFree(SAMBA_TCP_PORTS);
    const dir = mkdtempSync(join(tmpdir(), DIR_PREFIX));
    try {
      return await startIn(dir, options.oldPasswordAllowedPeriodMinutes ?? 0);
    } catch (error) {
      killLeftovers();
      rmSync(dir, { recursive: true, force: true });
      if (attempt === 2) throw error;
      process.stderr.write(`Samba AD start ${attempt} failed; starting again. ${(error as Error).message}\n`);
    }
  }
}

async function startIn(dir: string, oldPasswordAllowedPeriodMinutes: number): Promise<SambaAd> {
  const admin = { upn: `Administrator@${REALM.toLowerCase()}`, password: `Adm1n!${randomBytes(9).toString('base64url')}` };
  const service = {
    dn: `CN=svc-unlatch,CN=Users,${DOMAIN_DN}`,
    upn: `svc-unlatch@${REALM.toLowerCase()}`,
    password: `Svc1!${randomBytes(12).toString('base64url')}`,
  };
  await run(SAMBA_TOOL, [
    'domain', 'provision', `--targetdir=${dir}`, `--realm=${REALM}`, `--domain=${NETBIOS_DOMAIN}`, '--server-role=dc',
    '--dns-backend=NONE', `--adminpass=${admin.password}`, '--host-name=dc1',
    '--option=interfaces=lo', '--option=bind interfaces only=yes', '--option=server services=-dns -nbt -wrepl',
    // Keep every runtime file inside the temp directory, not /run/samba.
    `--option=pid directory=${dir}`, `--option=ncalrpc dir=${join(dir, 'ncalrpc')}`,
  ], { timeout: 120_000 });
  // Provisioning writes only some --option values into smb.conf; these go in by hand.
  const smbConf = join(dir, 'etc', 'smb.conf');
  writeFileSync(smbConf, readFileSync(smbConf, 'utf8').replace('[global]\n', `[global]\n${[
    `\twinbindd socket directory = ${join(dir, 'winbindd')}`,
    // Samba accepts the previous password for 60 minutes after a change or reset (LDAP simple binds too, see
    // docs/active-directory.md); the tests check that the old password stops working at once.
    `\told password allowed period = ${oldPasswordAllowedPeriodMinutes}`,
    // Samba must not try to run /usr/bin/passwd for the host's users.
    '\tunix password sync = no',
  ].join('\n')}\n`));

  const log = openSync(join(dir, 'samba.log'), 'a');
  const child = spawn(SAMBA, ['-s', join(dir, 'etc', 'smb.conf'), '-F', '--debug-stdout', '-d', '1'], { stdio: ['ignore', log, log] });
  closeSync(log);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const caPath = join(dir, 'private', 'tls', 'ca.pem');

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await killChild(child);
    // Samba's task processes normally leave with it; any that did not are ours by their directory.
    killLeftovers(dir);
    // UNLATCH_TEST_SAMBA_LOG=<file> keeps Samba's log of the run, for debugging a failure.
    if (process.env.UNLATCH_TEST_SAMBA_LOG) copyFileSync(join(dir, 'samba.log'), process.env.UNLATCH_TEST_SAMBA_LOG);
    rmSync(dir, { recursive: true, force: true });
  };

  let caPem = '';
  const asAdmin = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({
      url: LDAPS_URL,
      connectTimeout: 5000,
      timeout: 30_000,
      tlsOptions: { ca: caPem, servername: TLS_SERVER_NAME, minVersion: 'TLSv1.2' },
    });
    try {
      await client.bind(admin.upn, admin.password);
      return await work(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  try {
    caPem = await waitUntilServing(child, dir, caPath, async () => {
      caPem = readFileSync(caPath, 'utf8');
      await asAdmin(async () => undefined);
    });
    await asAdmin((client) => seedDomain(client, service));
    // The delegation goes on the OU before the people exist, so each of them inherits it when created.
    await delegate(dir, admin, await sidOf(asAdmin, service.dn));
    await asAdmin(seedPeople);
  } catch (error) {
    // The log's tail is read before `stop` removes the directory that holds it.
    const logTail = tail(join(dir, 'samba.log'));
    await stop();
    throw new Error(`Samba AD did not come up: ${(error as Error).message}\n--- samba.log (tail) ---\n${logTail}`, { cause: error });
  }

  const tryBind = async (dn: string, password: string): Promise<string | null> => {
    const client = new Client({ url: LDAPS_URL, connectTimeout: 5000, timeout: 10_000, tlsOptions: { ca: caPem, servername: TLS_SERVER_NAME } });
    try {
      await client.bind(dn, password);
      return null;
    } catch (error) {
      return (error as Error).message;
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };

  return {
    url: LDAPS_URL,
    startTlsUrl: LDAP_URL,
    caPem,
    tlsServerName: TLS_SERVER_NAME,
    baseDn: PEOPLE_OU,
    domainDn: DOMAIN_DN,
    admin,
    service,
    pid: child.pid!,
    dir,
    dnOf: (name) => personDn(name),
    bindWorks: async (dn, password) => {
      try {
        // LDAPTLS_REQCERT=allow: libldap would match the certificate against "127.0.0.1", which it does not
        // carry. This is a check of the password from a second client, not of TLS (the adapter's tests do that).
        await run(LDAPSEARCH, ['-x', '-H', LDAPS_URL, '-D', dn, '-w', password, '-b', '', '-s', 'base', '-LLL', '1.1'], {
          env: { ...process.env, LDAPTLS_REQCERT: 'allow', LDAPTLS_CACERT: caPath },
        });
        return true;
      } catch (error) {
        if ((error as { code?: unknown }).code === 49) return false;
        throw error;
      }
    },
    tryBind,
    asAdmin,
    read: (dn, attributes) => asAdmin((client) => readEntry(client, dn, attributes)),
    replace: (dn, attribute, values) => asAdmin((client) => replaceAttribute(client, dn, attribute, values)),
    grantPsoRead: async () => {
      const sid = await sidOf(asAdmin, service.dn);
      await samba(dir, admin, ['dsacl', 'set', `--objectdn=CN=Password Settings Container,CN=System,${DOMAIN_DN}`, `--sddl=(A;CI;RPLCLORC;;;${sid})`]);
    },
    stop,
  };
}

/** The DN of a person of either fixture. */
export function personDn(name: PersonName | AdPersonName): string {
  if (name in AD_PEOPLE) {
    const person = AD_PEOPLE[name as AdPersonName];
    const ou = name === 'zoe' ? ODD_OU : name === 'oscar' ? `CN=Users,${DOMAIN_DN}` : PEOPLE_OU;
    return `CN=${escapeDnValue(person.displayName)},${ou}`;
  }
  return `CN=${escapeDnValue(DIRECTORY_PEOPLE[name as PersonName].displayName)},${PEOPLE_OU}`;
}

async function seedDomain(client: Client, service: { dn: string; password: string }): Promise<void> {
  const rep = (type: string, value: string) => new Change({ operation: 'replace', modification: new Attribute({ type, values: [value] }) });
  // Minimum age 0: otherwise AD refuses every change within a day of the last one ("too young").
  await client.modify(DOMAIN_DN, [
    rep('minPwdAge', '0'),
    rep('minPwdLength', String(DOMAIN_POLICY.minLength)),
    rep('pwdHistoryLength', String(DOMAIN_POLICY.historyLength)),
    rep('pwdProperties', DOMAIN_POLICY.complexity ? '1' : '0'),
    rep('lockoutThreshold', String(DOMAIN_POLICY.lockoutThreshold)),
  ]);
  await client.add(PEOPLE_OU, { objectClass: ['top', 'organizationalUnit'], ou: 'People' });
  await client.add(ODD_OU, { objectClass: ['top', 'organizationalUnit'], ou: 'Ops (EU), Nordics' });
  await client.add(GROUPS_OU, { objectClass: ['top', 'organizationalUnit'], ou: 'Groups' });
  await addUser(client, service.dn, { username: 'svc-unlatch', displayName: 'Unlatch service', password: service.password, email: 'svc@example.test' });
}

async function seedPeople(client: Client): Promise<void> {
  for (const name of Object.keys(DIRECTORY_PEOPLE) as PersonName[]) await addUser(client, personDn(name), DIRECTORY_PEOPLE[name]);
  for (const name of Object.keys(AD_PEOPLE) as AdPersonName[]) await addUser(client, personDn(name), AD_PEOPLE[name]);

  const members = groupsWithMembers();
  for (const [name, person] of Object.entries(AD_PEOPLE)) {
    for (const group of person.groups) members.set(group, [...(members.get(group) ?? []), name]);
  }
  const dnByUsername = new Map<string, string>([
    ...(Object.keys(DIRECTORY_PEOPLE) as PersonName[]).map((n) => [DIRECTORY_PEOPLE[n].username, personDn(n)] as const),
    ...(Object.keys(AD_PEOPLE) as AdPersonName[]).map((n) => [n, personDn(n)] as const),
  ]);
  const groupDn = (group: string) => `CN=${escapeDnValue(group)},${GROUPS_OU}`;
  for (const [group, usernames] of members) {
    await client.add(groupDn(group), { objectClass: ['top', 'group'], sAMAccountName: group, member: usernames.map((u) => dnByUsername.get(u)!) });
  }
  // Nesting: staff and ops (EU) are members of all-staff, so only a nested lookup finds it for their people.
  await client.add(groupDn(NESTED_GROUP), { objectClass: ['top', 'group'], sAMAccountName: NESTED_GROUP, member: [groupDn('staff'), groupDn('ops (EU)')] });

  await client.add(`CN=${IVAN_PSO.name},CN=Password Settings Container,CN=System,${DOMAIN_DN}`, {
    objectClass: ['top', 'msDS-PasswordSettings'],
    'msDS-PasswordSettingsPrecedence': '1',
    'msDS-PasswordReversibleEncryptionEnabled': 'FALSE',
    'msDS-PasswordHistoryLength': String(IVAN_PSO.historyLength),
    'msDS-PasswordComplexityEnabled': 'TRUE',
    'msDS-MinimumPasswordLength': String(IVAN_PSO.minLength),
    'msDS-MinimumPasswordAge': String(-IVAN_PSO.minAgeSeconds * 10_000_000),
    'msDS-MaximumPasswordAge': '-36288000000000',
    'msDS-LockoutThreshold': String(IVAN_PSO.lockoutThreshold),
    'msDS-LockoutObservationWindow': '-18000000000',
    'msDS-LockoutDuration': '-18000000000',
    'msDS-PSOAppliesTo': personDn('ivan'),
  });
}

async function addUser(client: Client, dn: string, person: Omit<DirectoryPerson, 'groups'>): Promise<void> {
  const text: Record<string, string | string[]> = {
    objectClass: ['top', 'person', 'organizationalPerson', 'user'],
    sAMAccountName: person.username,
    userPrincipalName: `${person.username}@${REALM.toLowerCase()}`,
    mail: person.email,
    displayName: person.displayName,
    // NORMAL_ACCOUNT (0x200), plus ACCOUNTDISABLE (0x2) for the disabled one.
    userAccountControl: String(person.disabled ? 0x202 : 0x200),
  };
  if (person.phone) text.mobile = person.phone;
  const attributes = Object.entries(text).map(([type, value]) => new Attribute({ type, values: Array.isArray(value) ? value : [value] }));
  attributes.push(new Attribute({ type: 'unicodePwd', values: [encodeUnicodePwd(person.password)] }));
  await client.add(dn, attributes);
}

/**
 * Delegates to the service account, on OU=People and inherited by the user objects in it, exactly the
 * rights docs/active-directory.md lists: the Reset Password extended right, Write lockoutTime, Write pwdLastSet.
 */
async function delegate(dir: string, admin: { password: string }, sid: string): Promise<void> {
  const USER_CLASS = 'bf967aba-0de6-11d0-a285-00aa003049e2';
  const RESET_PASSWORD = '00299570-246d-11d0-a768-00aa006e0529';
  const LOCKOUT_TIME = '28630ebf-41d5-11d1-a9c1-0000f80367c1';
  const PWD_LAST_SET = 'bf967a0a-0de6-11d0-a285-00aa003049e2';
  const sddl = [`(OA;CIIO;CR;${RESET_PASSWORD};${USER_CLASS};${sid})`, `(OA;CIIO;WP;${LOCKOUT_TIME};${USER_CLASS};${sid})`, `(OA;CIIO;WP;${PWD_LAST_SET};${USER_CLASS};${sid})`].join('');
  await samba(dir, admin, ['dsacl', 'set', `--objectdn=${PEOPLE_OU}`, `--sddl=${sddl}`]);
}

async function samba(dir: string, admin: { password: string }, args: string[]): Promise<void> {
  await run(SAMBA_TOOL, [...args, '-H', 'ldap://127.0.0.1', `-U${NETBIOS_DOMAIN}\\Administrator%${admin.password}`, '-s', join(dir, 'etc', 'smb.conf')], { timeout: 60_000 });
}

async function sidOf(asAdmin: SambaAd['asAdmin'], dn: string): Promise<string> {
  const raw = await asAdmin(async (client) => {
    const { searchEntries } = await client.search(dn, { scope: 'base', attributes: ['objectSid'], explicitBufferAttributes: ['objectSid'] });
    return searchEntries[0]?.objectSid;
  });
  if (!Buffer.isBuffer(raw)) throw new Error(`no objectSid on ${dn}`);
  return sidToString(raw);
}

/** S-1-5-21-… from the binary SID (MS-DTYP 2.4.2.2): revision, count, 48-bit big-endian authority, little-endian sub-authorities. */
function sidToString(raw: Buffer): string {
  const count = raw[1]!;
  const authority = raw.readUIntBE(2, 6);
  const subs = Array.from({ length: count }, (_, i) => raw.readUInt32LE(8 + i * 4));
  return `S-${raw[0]}-${authority}-${subs.join('-')}`;
}

async function waitUntilServing(child: ChildProcess, dir: string, caPath: string, probe: () => Promise<void>): Promise<string> {
  const deadline = Date.now() + 90_000;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`samba exited (${child.exitCode ?? child.signalCode})`);
    if (existsSync(caPath)) {
      try {
        await probe();
        return readFileSync(caPath, 'utf8');
      } catch (error) {
        lastError = error;
      }
    }
    await sleep(250);
  }
  throw new Error(`ldaps://127.0.0.1:636 did not answer within 90 s (${dir}): ${String(lastError)}`);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Ends Samba processes an earlier run of ours left behind: those whose command line or open files point into
 * one of our temp directories (`unlatch-samba-…`, or exactly `onlyDir`). Samba rewrites its process titles
 * ("samba: task[ldap] pre-fork master"), so the open files are what identifies them. Each is killed by PID.
 */
function killLeftovers(onlyDir?: string): void {
  const prefix = onlyDir ?? join(tmpdir(), DIR_PREFIX);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const isSamba = /^samba[: ]|\/(samba|smbd|winbindd)\b/.test(cmdline);
      if (!isSamba) continue;
      const ours = cmdline.includes(prefix) || readdirSync(`/proc/${pid}/fd`).some((fd) => safeReadlink(`/proc/${pid}/fd/${fd}`).startsWith(prefix));
      if (ours) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to inspect.
    }
  }
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

async function waitForPortsFree(ports: number[]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (const port of ports) {
    while (await listening(port)) {
      if (Date.now() > deadline) throw new Error(`port ${port} on 127.0.0.1 is taken by a process that is not a Samba of ours; the AD tests need it`);
      await sleep(200);
    }
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no log)';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
