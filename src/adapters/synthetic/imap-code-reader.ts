import { ImapFlow, type MessageStructureObject } from 'imapflow';
import { StepFailure } from './synthetic-steps.js';

/** Where the canary's mail arrives: `imaps://user@host:993/INBOX` parsed, and the password from its file. */
export interface ImapMailbox {
  host: string;
  port: number;
  /** Implicit TLS (`imaps:`); `imap:` is accepted only for a loopback host (a test or a local relay). */
  secure: boolean;
  user: string;
  password: string;
  /** The folder to read, `INBOX` by default. */
  path: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/** Parses `--imap-url`; a problem is a message for a usage error (the URL's password, if any, is never echoed). */
export function parseImapUrl(raw: string, password: string): ImapMailbox | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '--imap-url is not a URL (expected imaps://user@host:993/INBOX)';
  }
  if (url.protocol !== 'imaps:' && url.protocol !== 'imap:') return '--imap-url must start with imaps:// (or imap:// to a loopback address)';
  if (url.password !== '') return '--imap-url must not hold a password: put it in --imap-password-file';
  if (url.username === '') return '--imap-url must name the user (imaps://user@host/INBOX)';
  const secure = url.protocol === 'imaps:';
  // Without TLS the password would cross the network in the clear; only a loopback address is spared that.
  if (!secure && !LOOPBACK.has(url.hostname)) return 'imap:// (no TLS) is allowed only to a loopback address; use imaps://';
  const path = decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX';
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 993 : 143) : Number(url.port),
    secure,
    user: decodeURIComponent(url.username),
    password,
    path,
  };
}

/** The reset code in a mail's text: alone on its line (`    123456`), as every code mail of Unlatch puts it. */
const CODE_LINE = /^[ \t]*(\d{6,10})[ \t]*$/m;

/** The largest text part read from one message: a code mail is a few kilobytes. */
const MAX_PART_BYTES = 256 * 1024;

/**
 * Reads the emailed code from a real mailbox: connects (and remembers which message will be the next) before
 * the reset starts, then polls for a new message with a code line. The message it took the code from is
 * deleted, so the canary's mailbox does not fill up with codes.
 */
export class ImapCodeReader {
  private client: ImapFlow | null = null;
  private firstNewUid = 1;

  constructor(
    private readonly mailbox: ImapMailbox,
    private readonly options: { timeoutMs: number; pollMs?: number; tlsCa?: string },
  ) {}

  /** Signs in and opens the folder; what arrives from now on is new. */
  async open(): Promise<void> {
    const m = this.mailbox;
    const client = new ImapFlow({
      host: m.host,
      port: m.port,
      secure: m.secure,
      auth: { user: m.user, pass: m.password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
      ...(this.options.tlsCa ? { tls: { ca: this.options.tlsCa } } : {}),
    });
    // A dropped connection is reported by the next command; an unhandled 'error' event would end the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      const opened = await client.mailboxOpen(m.path);
      this.firstNewUid = Number(opened.uidNext) || 1;
    } catch (error) {
      client.close();
      throw new StepFailure(`mailbox ${m.user}@${m.host}:${m.port}/${m.path} unreachable: ${describe(error)}`);
    }
    this.client = client;
  }

  /** Waits for the code mail; a StepFailure when none came within the timeout. */
  async waitForCode(): Promise<string> {
    const client = this.client;
    if (!client) throw new StepFailure('the mailbox is not open');
    const deadline = Date.now() + this.options.timeoutMs;
    const seen = new Set<number>();
    for (;;) {
      const code = await this.newCode(client, seen);
      if (code !== null) return code;
      if (Date.now() >= deadline) throw new StepFailure(`no message with a code within ${Math.round(this.options.timeoutMs / 1000)}s`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(this.options.pollMs ?? 1000, Math.max(0, deadline - Date.now()))));
    }
  }

  /** Logs out (or drops the connection when that fails). */
  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    await client.logout().catch(() => client.close());
  }

  private async newCode(client: ImapFlow, seen: Set<number>): Promise<string | null> {
    // NOOP makes the server report what arrived since the last command.
    await client.noop();
    // `N:*` also matches the last message when none is as new as N (RFC 3501): hence the uid filter.
    const messages = await client.fetchAll(`${this.firstNewUid}:*`, { uid: true, bodyStructure: true }, { uid: true });
    for (const message of messages) {
      if (message.uid < this.firstNewUid || seen.has(message.uid)) continue;
      seen.add(message.uid);
      const part = textPart(message.bodyStructure);
      if (!part) continue;
      const text = await this.download(client, message.uid, part);
      const code = CODE_LINE.exec(text)?.[1];
      if (code) {
        await client.messageDelete(String(message.uid), { uid: true }).catch(() => undefined);
        return code;
      }
    }
    return null;
  }

  private async download(client: ImapFlow, uid: number, part: string): Promise<string> {
    const { content } = await client.download(String(uid), part, { uid: true, maxBytes: MAX_PART_BYTES });
    if (!content) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  }
}

/** The first text/plain part of a message (its part number; `1` for a single-part message), or null. */
function textPart(node: MessageStructureObject | undefined): string | null {
  if (!node) return null;
  if (node.type === 'text/plain') return node.part ?? '1';
  for (const child of node.childNodes ?? []) {
    const found = textPart(child);
    if (found) return found;
  }
  return null;
}

function describe(error: unknown): string {
  const e = error as { message?: unknown; responseText?: unknown; code?: unknown; authenticationFailed?: unknown };
  if (e?.authenticationFailed === true) return 'authentication failed';
  const text = typeof e?.responseText === 'string' ? e.responseText : typeof e?.message === 'string' ? e.message : String(error);
  return `${text}${typeof e?.code === 'string' ? ` (${e.code})` : ''}`.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
