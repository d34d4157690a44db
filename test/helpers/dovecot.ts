import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { freePort } from './services.js';

const DOVECOT = process.env.UNLATCH_TEST_DOVECOT ?? '/usr/sbin/dovecot';

/** Whether Debian's dovecot-imapd is installed (the IMAP server of the synthetic check's tests). */
export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT) && existsSync('/usr/lib/dovecot/imap');
}

/** A throwaway Dovecot on loopback (plain IMAP, no TLS) with one user and one Maildir. */
export interface DovecotMailbox {
  port: number;
  user: string;
  password: string;
  /** `imap://user@127.0.0.1:port/INBOX` */
  url: string;
  /** Drops a raw RFC 5322 message into the Maildir (`new/`), as a local delivery agent would. */
  deliver(raw: Buffer): void;
  /** The messages still in the Maildir (new and cur). */
  count(): number;
  stop(): Promise<void>;
}

/** Who owns the mail: Dovecot refuses mail access as root, so a root test run hands the Maildir to `nobody`. */
function mailOwner(): { uid: number; gid: number; loginUser: string; internalUser: string } {
  const me = userInfo();
  if (me.uid !== 0) return { uid: me.uid, gid: me.gid, loginUser: me.username, internalUser: me.username };
  return { uid: 65534, gid: 65534, loginUser: 'dovenull', internalUser: 'dovecot' };
}

function configOf(dir: string, port: number, owner: ReturnType<typeof mailOwner>): string {
  return `base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = ${owner.loginUser}
default_internal_user = ${owner.internalUser}
first_valid_uid = 1
mail_location = maildir:${dir}/mail
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${owner.uid} gid=${owner.gid} home=${dir}/home
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
}

async function waitForGreeting(port: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('* OK'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`dovecot did not greet on ${port}`);
}

/** Starts Dovecot (`dovecot -F -c <conf>`) in a temp dir on a free port; stop() ends it by its PID and removes the dir. */
export async function startDovecot(user = 'canary'): Promise<DovecotMailbox> {
  const dir = mkdtempSync(join(tmpdir(), 'unlatch-dovecot-'));
  // Dovecot's auth and mail processes run as other users (dovecot, nobody) when the tests run as root: they
  // must reach the passwd file and the Maildir in here. A throwaway password in a throwaway dir.
  chmodSync(dir, 0o755);
  const owner = mailOwner();
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  for (const sub of ['run', 'state', 'home', 'mail', 'mail/new', 'mail/cur', 'mail/tmp']) mkdirSync(join(dir, sub), { recursive: true });
  for (const sub of ['home', 'mail', 'mail/new', 'mail/cur', 'mail/tmp']) chownSync(join(dir, sub), owner.uid, owner.gid);
  writeFileSync(join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  const port = await freePort();
  writeFileSync(join(dir, 'dovecot.conf'), configOf(dir, port, owner));
  const child: ChildProcess = spawn(DOVECOT, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([waitForGreeting(port), exited.then(() => Promise.reject(new Error(`dovecot exited: ${stderr}${readLog(dir)}`)))]);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let counter = 0;
  return {
    port,
    user,
    password,
    url: `imap://${user}@127.0.0.1:${port}/INBOX`,
    deliver(raw) {
      // Maildir delivery: write into tmp/, then rename into new/ (atomic: the reader never sees half a message).
      const name = `${Date.now()}.P${process.pid}Q${(counter += 1)}.unlatch-test`;
      const temp = join(dir, 'mail', 'tmp', name);
      writeFileSync(temp, raw);
      chownSync(temp, owner.uid, owner.gid);
      renameSync(temp, join(dir, 'mail', 'new', name));
    },
    count() {
      return ['new', 'cur'].reduce((n, sub) => n + readdirCount(join(dir, 'mail', sub)), 0);
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readdirCount(path: string): number {
  return existsSync(path) ? readdirSync(path).length : 0;
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'dovecot.log'), 'utf8').slice(-2000);
  } catch {
    return '';
  }
}

/**
 * A real SMTP server (smtp-server) on a free loopback port that delivers every message into the Dovecot
 * Maildir, so the instance's mail reaches the canary's mailbox as it would in production.
 */
export async function startSmtpToMaildir(mailbox: DovecotMailbox, port?: number): Promise<{ port: number; close(): Promise<void> }> {
  const listenPort = port ?? (await freePort());
  const server = new SMTPServer({
    authOptional: true,
    // close() ends open (pooled) connections after this long instead of waiting 30 s for the client to quit.
    closeTimeout: 100,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        try {
          mailbox.deliver(Buffer.concat(chunks));
          callback();
        } catch (error) {
          callback(error as Error);
        }
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return { port: listenPort, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
