import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor, SmtpMailer, type SmtpConfig } from '../../src/adapters/mail/smtp-mailer.js';
import { MailDeliveryError, type MailMessage } from '../../src/core/ports/mailer.js';

const FROM = '"Unlatch" <noreply@example.org>';

interface Received {
  raw: Buffer;
  mailFrom: string | undefined;
  rcptTo: string[];
  user: unknown;
  secure: boolean;
}

// The session object is reused by the next transaction, so copy what the tests look at.
function snapshot(raw: Buffer, session: SMTPServerSession): Received {
  const { mailFrom, rcptTo } = session.envelope;
  return { raw, mailFrom: mailFrom ? mailFrom.address : undefined, rcptTo: rcptTo.map((r) => r.address), user: session.user, secure: session.secure };
}

const servers: Array<{ close(cb: () => void): void }> = [];
const mailers: SmtpMailer[] = [];

afterEach(async () => {
  for (const mailer of mailers.splice(0)) mailer.close();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/** A real SMTP server on a free port of 127.0.0.1; plain text and optional AUTH unless overridden. */
async function startSmtp(options: SMTPServerOptions = {}): Promise<{ port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    closeTimeout: 200,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push(snapshot(Buffer.concat(chunks), session));
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Failed handshakes are reported here too; the client-side outcome is what the tests assert.
  server.on('error', () => undefined);
  servers.push(server);
  return { port: (server.server.address() as AddressInfo).port, received };
}

function mailer(port: number, overrides: Partial<SmtpConfig> = {}): SmtpMailer {
  const instance = new SmtpMailer({ host: '127.0.0.1', port, secure: false, requireTLS: false, from: FROM, connectionTimeoutMs: 2_000, ...overrides });
  mailers.push(instance);
  return instance;
}

function message(overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    to: 'ada@example.net',
    subject: 'Your Example password reset code',
    text: 'Your password reset code is 482913.',
    html: '<!DOCTYPE html><html lang="en"><body><h1>Reset</h1><p>Your code is <strong>482913</strong>.</p></body></html>',
    idempotencyKey: 'outbox:0190f3a2-7c1e-7000-8000-000000000001',
    ...overrides,
  };
}

async function rejection(promise: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  return error as MailDeliveryError;
}

/** A port that nothing listens on: bind, read the port, close. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('SmtpMailer against a real SMTP server', () => {
  it('delivers text and html with a Message-ID derived from the idempotency key', async () => {
    const { port, received } = await startSmtp();
    const msg = message();
    await mailer(port).send(msg);

    expect(received).toHaveLength(1);
    const [first] = received;
    expect(first?.mailFrom).toBe('noreply@example.org');
    expect(first?.rcptTo).toEqual(['ada@example.net']);

    const parsed = await simpleParser(first!.raw);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : parsed.to).toEqual(['ada@example.net']);
    expect(parsed.from?.value[0]).toMatchObject({ address: 'noreply@example.org', name: 'Unlatch' });
    expect(parsed.subject).toBe(msg.subject);
    expect(parsed.text?.trim()).toBe(msg.text);
    expect(parsed.html).toContain('<strong>482913</strong>');
    expect(parsed.messageId).toBe(messageIdFor(msg.idempotencyKey, 'example.org'));
    expect(parsed.messageId).toMatch(/^<[0-9a-f]{40}\.unlatch@example\.org>$/);
    expect(parsed.messageId).not.toContain('outbox');
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
  });

  it('gives a retried message the same Message-ID and another message a different one', async () => {
    const { port, received } = await startSmtp();
    const smtp = mailer(port);
    await smtp.send(message());
    await smtp.send(message());
    await smtp.send(message({ idempotencyKey: 'outbox:another' }));

    const ids = await Promise.all(received.map(async (r) => (await simpleParser(r.raw)).messageId));
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('verify() resolves when the server answers', async () => {
    const { port } = await startSmtp();
    await expect(mailer(port).verify()).resolves.toBeUndefined();
  });

  it.each([
    ['onRcptTo', 451, true, 'smtp_4xx'],
    ['onData', 451, true, 'smtp_4xx'],
    ['onRcptTo', 550, false, 'smtp_5xx'],
    ['onData', 550, false, 'smtp_5xx'],
  ] as const)('a %s reply of %i is transient=%s (%s)', async (hook, code, transient, reason) => {
    const reject = smtpError(code, code === 550 ? 'No such mailbox <ada@example.net>' : 'Try again later');
    const { port } = await startSmtp(
      hook === 'onRcptTo'
        ? { onRcptTo: (_address, _session, callback) => callback(reject) }
        : {
            onData: (stream, _session, callback) => {
              stream.resume();
              stream.on('end', () => callback(reject));
            },
          },
    );

    const error = await rejection(mailer(port).send(message()));
    expect(error).toMatchObject({ transient, reason, responseCode: code });
    // Safe for logs: neither the address nor the server's reply text.
    expect(error.message).not.toContain('ada@example.net');
  });

  it('an address that does not parse is refused before sending, permanent', async () => {
    const { port, received } = await startSmtp();
    const error = await rejection(mailer(port).send(message({ to: 'not an address' })));
    expect(error).toMatchObject({ reason: 'invalid_message', transient: false });
    expect(received).toHaveLength(0);
  });

  it('a closed port is transient, connection_refused', async () => {
    const port = await closedPort();
    const error = await rejection(mailer(port).send(message()));
    expect(error).toMatchObject({ transient: true, reason: 'connection_refused', code: 'ECONNREFUSED' });
    expect(await rejection(mailer(port).verify())).toMatchObject({ reason: 'connection_refused' });
  });

  it('a server that never greets times out, transient', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    servers.push({
      close: (cb) => {
        for (const socket of sockets) socket.destroy();
        silent.close(() => cb());
      },
    });
    const { port } = silent.address() as AddressInfo;

    const started = Date.now();
    const error = await rejection(mailer(port, { connectionTimeoutMs: 300 }).send(message()));
    expect(error).toMatchObject({ transient: true, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  describe('AUTH required', () => {
    async function authServer() {
      return startSmtp({
        authOptional: false,
        allowInsecureAuth: true,
        onAuth(auth, _session, callback) {
          if (auth.username === 'unlatch' && auth.password === 's3cret pass') return callback(null, { user: 'unlatch' });
          return callback(smtpError(535, 'Authentication failed'));
        },
      });
    }

    it('sends with the configured user and password', async () => {
      const { port, received } = await authServer();
      await mailer(port, { auth: { user: 'unlatch', pass: 's3cret pass' } }).send(message());
      expect(received).toHaveLength(1);
      expect(received[0]?.user).toBe('unlatch');
    });

    it('wrong credentials are reason auth, transient (fix the config, keep the message)', async () => {
      const { port } = await authServer();
      const error = await rejection(mailer(port, { auth: { user: 'unlatch', pass: 'wrong' } }).send(message()));
      expect(error).toMatchObject({ reason: 'auth', transient: true });
      expect(await rejection(mailer(port, { auth: { user: 'unlatch', pass: 'wrong' } }).verify())).toMatchObject({ reason: 'auth' });
    });

    it('no credentials against a server that requires them is reason auth, transient', async () => {
      const { port, received } = await authServer();
      const error = await rejection(mailer(port).send(message()));
      expect(error).toMatchObject({ reason: 'auth', transient: true, responseCode: 530 });
      expect(received).toHaveLength(0);
    });
  });

  it('requireTLS refuses a server without STARTTLS', async () => {
    const { port, received } = await startSmtp();
    const error = await rejection(mailer(port, { requireTLS: true }).send(message()));
    expect(error).toMatchObject({ reason: 'tls', transient: true });
    expect(received).toHaveLength(0);
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// The certificate is made with the openssl CLI; without it these skip, unless CI demands every service.
const skipTls = !hasOpenssl() && process.env.UNLATCH_REQUIRE_SERVICES !== '1';

describe.skipIf(skipTls)('SmtpMailer over TLS (needs the openssl CLI to make a test certificate)', () => {
  let dir = '';
  let key = '';
  let cert = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unlatch-smtp-tls-'));
    // A throwaway self-signed certificate for 127.0.0.1, made fresh so no key lives in the repo.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    key = readFileSync(join(dir, 'key.pem'), 'utf8');
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('implicit TLS with the CA configured delivers', async () => {
    const { port, received } = await startSmtp({ secure: true, key, cert, disabledCommands: [] });
    await mailer(port, { secure: true, tls: { ca: cert } }).send(message());
    expect(received[0]?.secure).toBe(true);
  });

  it('STARTTLS with requireTLS delivers over TLS', async () => {
    const { port, received } = await startSmtp({ key, cert, disabledCommands: [] });
    await mailer(port, { requireTLS: true, tls: { ca: cert } }).send(message());
    expect(received[0]?.secure).toBe(true);
  });

  it('an untrusted certificate is reason tls, transient', async () => {
    const { port, received } = await startSmtp({ secure: true, key, cert, disabledCommands: [] });
    const error = await rejection(mailer(port, { secure: true }).send(message()));
    expect(error).toMatchObject({ reason: 'tls', transient: true });
    expect(received).toHaveLength(0);
  });
});
