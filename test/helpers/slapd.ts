import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { readEntry, replaceAttribute } from './ldap-entry-tools.js';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ldapts';
import { DIRECTORY_PEOPLE, PEOPLE_LIST, groupsWithMembers, type DirectoryPerson, type PersonName } from './directory-people.js';
import { freePort } from './services.js';

const run = promisify(execFile);

/** Debian's paths; override for another layout. */
const SLAPD = process.env.UNLATCH_TEST_SLAPD ?? '/usr/sbin/slapd';
const SLAPADD = process.env.UNLATCH_TEST_SLAPADD ?? '/usr/sbin/slapadd';
const SLAPPASSWD = process.env.UNLATCH_TEST_SLAPPASSWD ?? '/usr/sbin/slappasswd';
const LDAPWHOAMI = process.env.UNLATCH_TEST_LDAPWHOAMI ?? '/usr/bin/ldapwhoami';
const OPENSSL = process.env.UNLATCH_TEST_OPENSSL ?? '/usr/bin/openssl';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export const BASE_DN = 'dc=example,dc=org';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;
export const POLICY_DN = `cn=default,ou=policies,${BASE_DN}`;
/** Not the rootdn: ppolicy applies to what it writes, as it would to Unlatch's account in production. */
export const SERVICE_DN = `cn=unlatch,ou=services,${BASE_DN}`;
const ROOT_DN = `cn=admin,${BASE_DN}`;

/** Whether slapd and the OpenLDAP tools these tests use are installed. */
export function slapdAvailable(): boolean {
  return [SLAPD, SLAPADD, SLAPPASSWD, LDAPWHOAMI, join(SCHEMA_DIR, 'inetorgperson.schema'), join(MODULE_DIR, 'ppolicy.la'), join(MODULE_DIR, 'memberof.la')].every(
    (path) => existsSync(path),
  );
}

/** Whether openssl is there to make the TLS variant's certificate. */
export function opensslAvailable(): boolean {
  return existsSync(OPENSSL);
}

export interface SlapdOptions {
  /** Also listen on ldaps:// and accept StartTLS, with a self-signed certificate for 127.0.0.1. */
  tls?: boolean;
  /**
   * More entries loaded with slapadd, with the fixture, before slapd starts: overlays do not run then, so
   * a group loaded this way leaves its members' memberOf empty (as a real migration by slapadd does).
   */
  slapaddLdif?: string;
}

/** A running throwaway slapd. */
export interface Slapd {
  /** `ldap://127.0.0.1:<port>` (StartTLS available on it when started with `tls`). */
  url: string;
  /** `ldaps://127.0.0.1:<port>` when started with `tls`. */
  ldapsUrl?: string;
  /** The self-signed certificate (PEM) to trust, when started with `tls`. */
  caPem?: string;
  pid: number;
  service: { dn: string; password: string };
  /** The DN of a fixture person. */
  dnOf(name: PersonName): string;
  /** Runs `ldapwhoami` as `dn` with `password` (a real client, independent of the adapter); true when the bind works. */
  whoami(dn: string, password: string): Promise<boolean>;
  /** Runs work on a connection bound as the rootdn (bypasses ACLs and ppolicy: for arranging and reading state only). */
  asRoot<T>(work: (client: Client) => Promise<T>): Promise<T>;
  /** Reads attributes (operational ones too) of an entry as the rootdn. */
  read(dn: string, attributes: string[]): Promise<Record<string, string[]>>;
  /** Replaces (or with `[]` deletes) an attribute of an entry as the rootdn. */
  replace(dn: string, attribute: string, values: string[]): Promise<void>;
  /** Stops the server (killed by its PID) but keeps its data: the directory is down until {@link Slapd.resume}. */
  halt(): Promise<void>;
  /** Starts the halted server again on the same ports with the same data, and waits until it answers. */
  resume(): Promise<void>;
  /** Kills slapd by its PID and removes its directory. */
  stop(): Promise<void>;
}

/** Starts slapd on free loopback ports from a temp directory, seeded with DIRECTORY_PEOPLE and their groups. */
export async function startSlapd(options: SlapdOptions = {}): Promise<Slapd> {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-slapd-'));
  try {
    return await startIn(dir, options);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startIn(dir: string, options: SlapdOptions): Promise<Slapd> {
  const rootPassword = randomBytes(12).toString('base64url');
  const service = { dn: SERVICE_DN, password: `svc-${randomBytes(12).toString('base64url')}` };
  const tls = options.tls ? await selfSignedCertificate(dir, 'slapd') : undefined;
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'slapd.conf'), slapdConf(dir, rootPassword, tls));
  writeFileSync(join(dir, 'base.ldif'), `${await baseLdif(service.password)}${options.slapaddLdif ? `\n${options.slapaddLdif.trim()}\n` : ''}`);
  await run(SLAPADD, ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'base.ldif')]);

  const port = await freePort();
  const tlsPort = tls ? await freePort() : undefined;
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tlsPort ? `ldaps://127.0.0.1:${tlsPort}` : undefined;
  const listen = [url, ldapsUrl].filter((u): u is string => u !== undefined).map((u) => `${u}/`).join(' ');
  let stderr = '';
  const launch = (): ChildProcess => {
    // -d 0: stay in the foreground without debug output, so the PID is our child's and nothing outlives the test run.
    const started = spawn(SLAPD, ['-d', '0', '-h', listen, '-f', join(dir, 'slapd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return started;
  };
  // Replaced by resume() after a halt(): always the current process.
  let child = launch();
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const asRoot = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ url, connectTimeout: 2000, timeout: 5000 });
    try {
      await client.bind(ROOT_DN, rootPassword);
      return await work(client);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await killChild(child);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitUntilServing(child, () => stderr, () => asRoot(async () => undefined));
    // Groups go in through slapd, not slapadd, so the memberof overlay writes each member's memberOf.
    await asRoot(addGroups);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    ldapsUrl,
    caPem: tls?.certPem,
    get pid() {
      return child.pid!;
    },
    service,
    dnOf: (name) => personDn(DIRECTORY_PEOPLE[name].username),
    whoami: async (dn, password) => {
      try {
        await run(LDAPWHOAMI, ['-x', '-H', url, '-D', dn, '-w', password]);
        return true;
      } catch {
        return false;
      }
    },
    asRoot,
    read: (dn, attributes) => asRoot((client) => readEntry(client, dn, attributes)),
    replace: (dn, attribute, values) => asRoot((client) => replaceAttribute(client, dn, attribute, values)),
    halt: () => killChild(child),
    resume: async () => {
      if (child.exitCode === null && child.signalCode === null) throw new Error('slapd is running: halt it first');
      child = launch();
      await waitUntilServing(child, () => stderr, () => asRoot(async () => undefined));
    },
    stop,
  };
}

export function personDn(username: string): string {
  return `uid=${username},${PEOPLE_DN}`;
}

/** A self-signed certificate for 127.0.0.1 and localhost, written into `dir`; returns its paths and PEM. */
export async function selfSignedCertificate(dir: string, name: string): Promise<{ certFile: string; keyFile: string; certPem: string }> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  await run(OPENSSL, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=unlatch test ${name}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ]);
  return { certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

function slapdConf(dir: string, rootPassword: string, tls: { certFile: string; keyFile: string } | undefined): string {
  const svc = `dn.exact="${SERVICE_DN}"`;
  return `include ${SCHEMA_DIR}/core.schema
include ${SCHEMA_DIR}/cosine.schema
include ${SCHEMA_DIR}/nis.schema
include ${SCHEMA_DIR}/inetorgperson.schema
modulepath ${MODULE_DIR}
moduleload back_mdb
moduleload ppolicy
moduleload memberof
pidfile ${join(dir, 'slapd.pid')}
argsfile ${join(dir, 'slapd.args')}
password-hash {SSHA}
${tls ? `TLSCertificateFile ${tls.certFile}\nTLSCertificateKeyFile ${tls.keyFile}\n` : ''}
database mdb
maxsize 104857600
suffix "${BASE_DN}"
rootdn "${ROOT_DN}"
rootpw ${rootPassword}
directory ${join(dir, 'db')}
index objectClass,uid,mail,entryUUID,member eq

overlay memberof
overlay ppolicy
ppolicy_default "${POLICY_DN}"
ppolicy_use_lockout
ppolicy_hash_cleartext

# The service account may set passwords (=w: write only, it never reads a hash), end lockouts and mark a
# one-time password (pwdReset); a person may change their own password (slapd reads the old value: =rwx).
access to attrs=userPassword
  by ${svc} =w
  by self =rwx
  by anonymous auth
  by * none
access to attrs=pwdAccountLockedTime,pwdReset
  by ${svc} write
  by * none
access to *
  by ${svc} read
  by self read
  by * none
`;
}

async function hash(password: string): Promise<string> {
  const { stdout } = await run(SLAPPASSWD, ['-n', '-h', '{SSHA}', '-s', password]);
  return stdout.trim();
}

async function baseLdif(servicePassword: string): Promise<string> {
  const entries = [
    `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example`,
    ...['people', 'groups', 'services', 'policies'].map((ou) => `dn: ou=${ou},${BASE_DN}\nobjectClass: organizationalUnit\nou: ${ou}`),
    `dn: ${SERVICE_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: unlatch\nuserPassword: ${await hash(servicePassword)}`,
    // The recipe's policy: min length 8, quality check, history 3, lockout after 3 failures.
    `dn: ${POLICY_DN}\nobjectClass: organizationalRole\nobjectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\npwdMinLength: 8\n` +
      'pwdCheckQuality: 1\npwdInHistory: 3\npwdMaxFailure: 3\npwdLockout: TRUE\npwdLockoutDuration: 300\npwdFailureCountInterval: 300\npwdAllowUserChange: TRUE',
    ...(await Promise.all(PEOPLE_LIST.map(personLdif))),
  ];
  return `${entries.join('\n\n')}\n`;
}

async function personLdif(person: DirectoryPerson): Promise<string> {
  const lines = [
    `dn: ${personDn(person.username)}`,
    'objectClass: inetOrgPerson',
    `uid: ${person.username}`,
    `cn: ${person.displayName}`,
    `sn: ${person.displayName.split(' ').at(-1)}`,
    `mail: ${person.email}`,
    ...(person.phone ? [`mobile: ${person.phone}`] : []),
    // Pre-hashed: slapadd stores what it is given, and binds compare against a hash.
    `userPassword: ${await hash(person.password)}`,
    // The administrator's permanent lock (draft-behera 5.3.3): disabled.
    ...(person.disabled ? ['pwdAccountLockedTime: 000001010000Z'] : []),
  ];
  return lines.join('\n');
}

async function addGroups(client: Client): Promise<void> {
  for (const [group, members] of groupsWithMembers()) {
    await client.add(`cn=${group},${GROUPS_DN}`, { objectClass: 'groupOfNames', cn: group, member: members.map(personDn) });
  }
}

async function waitUntilServing(child: ChildProcess, stderr: () => string, probe: () => Promise<void>): Promise<void> {
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`slapd exited (${code}) while starting: ${stderr().trim()}`)));
  });
  exited.catch(() => undefined);
  for (let attempt = 0; attempt < 100; attempt++) {
    const ready = await Promise.race([probe().then(() => true, () => false), exited]);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not answer within 5 s: ${stderr().trim()}`);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}
