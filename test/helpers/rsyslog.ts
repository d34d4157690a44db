import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './services.js';

const run = promisify(execFile);
const RSYSLOGD = process.env.UNLATCH_TEST_RSYSLOGD ?? '/usr/sbin/rsyslogd';
const OPENSSL = process.env.UNLATCH_TEST_OPENSSL ?? '/usr/bin/openssl';
/** The TLS driver (Debian package rsyslog-gnutls). */
const GTLS_DRIVER = '/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so';

/** One message as rsyslog parsed it (written by its `jsonf` template). */
export interface ReceivedSyslog {
  input: 'tls' | 'udp';
  pri: string;
  hostname: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
  raw: string;
}

/** A throwaway rsyslogd on loopback with a TLS (RFC 5425) and a UDP input, writing what it receives to a file. */
export interface RsyslogReceiver {
  tlsPort: number;
  udpPort: number;
  /** The PEM of the CA that signed the receiver's certificate (for 127.0.0.1 and localhost). */
  caFile: string;
  /** Everything received so far, in arrival order. */
  received(): ReceivedSyslog[];
  /** An outage: ends the daemon by its PID, keeping its ports, certificates and received file. */
  down(): Promise<void>;
  /** Back after down(), on the same ports. */
  up(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether rsyslogd and its TLS driver are installed. */
export function rsyslogAvailable(): boolean {
  return existsSync(RSYSLOGD) && existsSync(GTLS_DRIVER) && existsSync(OPENSSL);
}

async function freeUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Resolves once something accepts TCP connections on the port (a plain connect; rsyslog logs the aborted handshake). */
async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`rsyslogd did not listen on ${port}`);
}

/** A CA (`ca.pem`) and a certificate for 127.0.0.1 and localhost (`server.pem`, `server.key`) in `dir`. */
export async function makeLoopbackCertificates(dir: string): Promise<void> {
  const at = (name: string) => join(dir, name);
  await run(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Test Syslog CA', '-keyout', at('ca.key'), '-out', at('ca.pem')]);
  await run(OPENSSL, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', at('server.key'), '-out', at('server.csr')]);
  writeFileSync(at('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await run(OPENSSL, ['x509', '-req', '-in', at('server.csr'), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', at('ext.cnf'), '-out', at('server.pem')]);
}

function configOf(dir: string, tlsPort: number, udpPort: number): string {
  // No imuxsock/imklog: this instance must not take /dev/log or the kernel log from the machine.
  return `global(workDirectory="${dir}/work"
       DefaultNetstreamDriverCAFile="${dir}/ca.pem"
       DefaultNetstreamDriverCertFile="${dir}/server.pem"
       DefaultNetstreamDriverKeyFile="${dir}/server.key"
       maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="${udpPort}" name="udp")
input(type="imtcp" address="127.0.0.1" port="${tlsPort}" name="tls"
      StreamDriver.Name="gtls" StreamDriver.Mode="1" StreamDriver.AuthMode="anon"
      gnutlsPriorityString="NORMAL:+VERS-TLS1.3")
template(name="jsonl" type="list" option.jsonf="on") {
  property(outname="input" name="inputname" format="jsonf")
  property(outname="pri" name="pri" format="jsonf")
  property(outname="hostname" name="hostname" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="procid" name="procid" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf" droplastlf="on")
  property(outname="raw" name="rawmsg" format="jsonf")
}
action(type="omfile" file="${dir}/received.jsonl" template="jsonl" flushOnTXEnd="on" asyncWriting="off")
`;
}

/** Starts rsyslogd in a temp dir on free ports; stop() ends it by its PID and removes the dir. */
export async function startRsyslog(): Promise<RsyslogReceiver> {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-rsyslog-'));
  mkdirSync(join(dir, 'work'));
  await makeLoopbackCertificates(dir);
  const tlsPort = await freePort();
  const udpPort = await freeUdpPort();
  writeFileSync(join(dir, 'rsyslog.conf'), configOf(dir, tlsPort, udpPort));
  await run(RSYSLOGD, ['-N1', '-f', join(dir, 'rsyslog.conf')]);
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  const up = async () => {
    const started = spawn(RSYSLOGD, ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslogd.pid')], { stdio: 'ignore' });
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    child = started;
    await waitForPort(tlsPort);
  };
  const down = async () => {
    if (child && child.exitCode === null) child.kill('SIGTERM');
    await exited;
    child = null;
  };
  await up();
  const file = join(dir, 'received.jsonl');
  return {
    tlsPort,
    udpPort,
    caFile: join(dir, 'ca.pem'),
    received() {
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ReceivedSyslog);
    },
    down,
    up,
    async stop() {
      await down();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
