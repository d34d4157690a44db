import { afterAll, afterEach, beforeAll } from 'vitest';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * How a fake answers the next well-formed, authenticated request:
 * - `ok` — accepts it (webhook 200 `{ id }`, Twilio 201 message resource);
 * - `error_500` / `error_429` — the server error / throttling answer of that API;
 * - `invalid_number` — webhook 422 `{ error: "invalid_number" }`, Twilio 400 code 21211;
 * - `hang` — never answers (until the server closes), to test the client's deadline;
 * - `stall_body` — sends a 2xx status and half a body, then nothing: the deadline must cover reading too;
 * - `garbage_2xx` — a 200 whose body is not the expected JSON.
 */
export type FakeBehaviour = 'ok' | 'error_500' | 'error_429' | 'invalid_number' | 'hang' | 'stall_body' | 'garbage_2xx';

interface FakeBase<R> {
  /** Webhook: the endpoint URL. Twilio: the base URL (as in `baseUrl`). */
  readonly url: string;
  /** Every well-formed, authenticated request, in order, whatever it was answered. */
  readonly received: R[];
  /** Every request, refused ones included. */
  readonly requestCount: () => number;
  behaviour: FakeBehaviour;
  close(): Promise<void>;
}

export interface WebhookReceived {
  to: string;
  text: string;
  idempotencyKey: string;
  /** The `X-Unlatch-Signature` header as sent. */
  signature: string | undefined;
  /** True when a signing secret is configured and the signature matched (a bad one is refused with 401). */
  signatureVerified: boolean;
  answered: FakeBehaviour;
}

export interface TwilioReceived {
  accountSid: string;
  to: string;
  body: string;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey: string | undefined;
  contentType: string | undefined;
  answered: FakeBehaviour;
}

export type FakeWebhook = FakeBase<WebhookReceived>;
export type FakeTwilio = FakeBase<TwilioReceived>;

const MAX_BODY = 64 * 1024;
const E164 = /^\+[1-9][0-9]{7,14}$/;

/**
 * A local server that speaks the generic webhook API (docs/sms.md): `POST /sms` with JSON
 * `{ to, text, idempotencyKey }`; checks the bearer token and the HMAC-SHA256 signature when configured.
 */
export async function startFakeWebhook(options: { token?: string; signingSecret?: string } = {}): Promise<FakeWebhook> {
  const received: WebhookReceived[] = [];
  let nextId = 1;
  return listen<WebhookReceived>(received, (origin) => `${origin}/sms`, async (req, res, state) => {
    if (req.method !== 'POST' || pathOf(req) !== '/sms') return json(res, 404, { error: 'not_found' });
    const raw = await readBody(req);
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'unauthorized' });
    const signature = single(req.headers['x-unlatch-signature']);
    let signatureVerified = false;
    if (options.signingSecret !== undefined) {
      const expected = `sha256=${createHmac('sha256', options.signingSecret).update(raw).digest('hex')}`;
      if (!signature || !constantTimeEqual(signature, expected)) return json(res, 401, { error: 'bad_signature' });
      signatureVerified = true;
    }
    if (!String(req.headers['content-type']).startsWith('application/json')) return json(res, 415, { error: 'unsupported_media_type' });
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      return json(res, 400, { error: 'bad_json' });
    }
    const body = parsed as Record<string, unknown>;
    const keys = Object.keys(body ?? {}).sort().join(',');
    if (keys !== 'idempotencyKey,text,to' || typeof body.to !== 'string' || typeof body.text !== 'string' || typeof body.idempotencyKey !== 'string') {
      return json(res, 400, { error: 'bad_request' });
    }
    received.push({ to: body.to, text: body.text, idempotencyKey: body.idempotencyKey, signature, signatureVerified, answered: state.behaviour });
    switch (state.behaviour) {
      case 'ok':
        return json(res, 200, { id: `wh-${nextId++}` });
      case 'error_500':
        return json(res, 500, { error: 'internal' });
      case 'error_429':
        return json(res, 429, { error: 'slow_down' });
      case 'invalid_number':
        return json(res, 422, { error: 'invalid_number' });
      case 'garbage_2xx':
        return text(res, 200, 'OK');
      case 'hang':
        return undefined;
      case 'stall_body':
        return stall(res);
    }
  });
}

/**
 * A local server that speaks the Twilio Messages API: `POST /2010-04-01/Accounts/{sid}/Messages.json`,
 * HTTP basic auth, form-encoded `To`, `Body` and one of `From` / `MessagingServiceSid`, answering
 * Twilio-shaped JSON (message resource, or `{ code, message, more_info, status }`).
 */
export async function startFakeTwilio(options: { accountSid: string; authToken: string }): Promise<FakeTwilio> {
  const received: TwilioReceived[] = [];
  let nextId = 1;
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  return listen<TwilioReceived>(received, (origin) => origin, async (req, res, state) => {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(pathOf(req));
    if (req.method !== 'POST' || !match) return twilioError(res, 404, 20404, 'The requested resource was not found');
    const raw = await readBody(req);
    if (!constantTimeEqual(req.headers.authorization ?? '', expectedAuth) || decodeURIComponent(match[1]!) !== options.accountSid) {
      return twilioError(res, 401, 20003, 'Authenticate');
    }
    const contentType = req.headers['content-type'];
    if (!String(contentType).startsWith('application/x-www-form-urlencoded')) return twilioError(res, 400, 20001, 'Bad content type');
    const form = new URLSearchParams(raw.toString('utf8'));
    for (const name of new Set(form.keys())) {
      if (form.getAll(name).length > 1) return twilioError(res, 400, 20001, `Repeated parameter ${name}`);
    }
    const to = form.get('To');
    const body = form.get('Body');
    const from = form.get('From') ?? undefined;
    const messagingServiceSid = form.get('MessagingServiceSid') ?? undefined;
    if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!body) return twilioError(res, 400, 21602, 'Message body is required.');
    if (!from === !messagingServiceSid) return twilioError(res, 400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required.");
    if (!E164.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    received.push({
      accountSid: options.accountSid,
      to,
      body,
      from,
      messagingServiceSid,
      idempotencyKey: single(req.headers['idempotency-key']),
      contentType: single(contentType),
      answered: state.behaviour,
    });
    switch (state.behaviour) {
      case 'ok': {
        const sid = `SM${String(nextId++).padStart(32, '0')}`;
        return json(res, 201, {
          sid,
          account_sid: options.accountSid,
          to,
          from: from ?? null,
          messaging_service_sid: messagingServiceSid ?? null,
          body,
          status: 'queued',
          num_segments: '1',
          direction: 'outbound-api',
          api_version: '2010-04-01',
          error_code: null,
          error_message: null,
          uri: `/2010-04-01/Accounts/${options.accountSid}/Messages/${sid}.json`,
        });
      }
      case 'error_500':
        return twilioError(res, 500, 20500, 'Internal Server Error');
      case 'error_429':
        return twilioError(res, 429, 20429, 'Too Many Requests');
      case 'invalid_number':
        return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      case 'garbage_2xx':
        return text(res, 201, '<html>queued</html>');
      case 'hang':
        return undefined;
      case 'stall_body':
        return stall(res);
    }
  });
}

type Handler = (req: IncomingMessage, res: ServerResponse, state: { behaviour: FakeBehaviour }) => Promise<void>;

async function listen<R>(received: R[], urlFor: (origin: string) => string, handler: Handler): Promise<FakeBase<R>> {
  const state = { behaviour: 'ok' as FakeBehaviour };
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    handler(req, res, state).catch(() => {
      if (!res.headersSent) json(res, 500, { error: 'fake_failed' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: urlFor(`http://127.0.0.1:${port}`),
    received,
    requestCount: () => requests,
    get behaviour() {
      return state.behaviour;
    },
    set behaviour(value: FakeBehaviour) {
      state.behaviour = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests and keep-alive sockets would hold close() open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://fake').pathname;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function stall(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write('{"id":');
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}

function twilioError(res: ServerResponse, status: number, code: number, message: string): void {
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

/** A fake webhook provider for one describe block: started before its tests, closed after; `received` is emptied after each test. */
export function useFakeWebhook(): { readonly sms: FakeWebhook } {
  const state: { sms?: FakeWebhook } = {};
  beforeAll(async () => {
    state.sms = await startFakeWebhook();
  });
  afterEach(() => {
    if (state.sms) state.sms.received.length = 0;
  });
  afterAll(async () => {
    await state.sms?.close();
  });
  return {
    get sms() {
      return state.sms!;
    },
  };
}
