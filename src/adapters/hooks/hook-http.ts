import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

/** Largest answer read from a target; more is cut off (only small JSON answers are ever needed). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Why a call to a hook's target failed. `transient` failures (network, timeout, 408, 429, 5xx, and 401/403,
 * which a rotated credential may cure) are retried with backoff; the rest are given up at once.
 * `reason` is a short fixed code: it becomes a metric label and part of the audit entry.
 */
export class HookCallError extends Error {
  constructor(readonly reason: string, readonly transient: boolean, message = reason) {
    super(message);
    this.name = 'HookCallError';
  }

  /** The failure of a call that answered `status`. */
  static ofStatus(status: number, what: string): HookCallError {
    const transient = status === 401 || status === 403 || status === 408 || status === 429 || status >= 500;
    return new HookCallError(`http_${status}`, transient, `${what} answered ${status}`);
  }
}

/** One answer: its status and its body (cut off at 64 KiB). */
export interface HookResponse {
  status: number;
  text: string;
}

/** One request of a hook. */
export interface HookRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * The HTTPS client of one hook: certificates verified (against `caFile` when given, never switched off), a
 * deadline over the whole call (connect, send, read), answers capped, and no redirect followed: a 3xx is
 * an answer like any other, so a signed event or a credential is never sent on to wherever it points.
 */
export class HookHttp {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(options: { caFile?: string | undefined; timeoutMs: number }) {
    this.timeoutMs = options.timeoutMs;
    const ca = options.caFile ? readFileSync(options.caFile) : undefined;
    this.agent = new Agent({ keepAlive: true, ca, rejectUnauthorized: true, minVersion: 'TLSv1.2', maxSockets: 8 });
  }

  /** Sends one request; rejects only with {@link HookCallError} (`timeout`, `network`), never on a status. */
  send(req: HookRequest): Promise<HookResponse> {
    const body = req.body ?? '';
    const headers: Record<string, string> = { 'user-agent': 'unlatch-hooks', ...req.headers };
    if (req.method !== 'GET') headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (error: HookCallError) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        outgoing.destroy();
        reject(error);
      };
      const outgoing = request(req.url, { method: req.method, agent: this.agent, headers, timeout: this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(deadline);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', () => fail(new HookCallError('network', true)));
      });
      // The socket timeout catches a silent connection; this one a target that trickles its answer.
      const deadline = setTimeout(() => fail(new HookCallError('timeout', true)), this.timeoutMs);
      deadline.unref();
      outgoing.on('timeout', () => fail(new HookCallError('timeout', true)));
      outgoing.on('error', (error: NodeJS.ErrnoException) => fail(new HookCallError(tlsFailure(error) ? 'tls' : 'network', true, `${error.code ?? 'network'}: ${error.message}`)));
      outgoing.end(body);
    });
  }

  /** Frees kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

/** The JSON object of an answer, or undefined. */
export function jsonOf(response: HookResponse): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(response.text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** True for a status the target counts as done. */
export function ok(response: HookResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

function tlsFailure(error: NodeJS.ErrnoException): boolean {
  return /CERT|SSL|TLS|SELF_SIGNED|VERIFY|ISSUER|HOSTNAME|ALTNAME/i.test(error.code ?? '');
}
