import { StepFailure } from './synthetic-steps.js';

/** What a step of the JSON API answered: the status and the parsed body (problem JSON on errors). */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface ResetApiClientOptions {
  /** The instance's public base URL (`https://reset.example.org`), without `/api`. */
  baseUrl: string;
  /** Per request, in milliseconds. */
  timeoutMs: number;
  /** Sent as User-Agent, so the instance's logs tell the probe from people. */
  userAgent: string;
}

/**
 * The reset as a machine walks it, through the instance's JSON API (`/api/v1`, docs/api.md): the same
 * endpoints an app embedding the flow uses, so the check sees what people see. Redirects are not followed
 * (the API never sends one; a proxy that does is a finding), and every call has a timeout.
 */
export class ResetApiClient {
  private readonly base: string;

  constructor(private readonly options: ResetApiClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** `POST /api/v1/reset`: the flow id. */
  async start(tenant: string, identifier: string): Promise<string> {
    const answer = await this.call('POST', '/api/v1/reset', { tenant, identifier });
    expectStatus(answer, 202);
    const flowId = answer.body.flowId;
    if (typeof flowId !== 'string') throw new StepFailure('the answer to the start has no flowId');
    return flowId;
  }

  /** `POST /api/v1/reset/{flowId}/verify`: the step the flow waits for next. */
  async verify(flowId: string, method: 'totp' | 'email_code', code: string): Promise<string> {
    const answer = await this.call('POST', `/api/v1/reset/${encodeURIComponent(flowId)}/verify`, { method, code });
    expectStatus(answer, 200);
    return String(answer.body.next);
  }

  /** `GET /api/v1/reset/{flowId}`: the step the flow waits for. */
  async next(flowId: string): Promise<string> {
    const answer = await this.call('GET', `/api/v1/reset/${encodeURIComponent(flowId)}`);
    expectStatus(answer, 200);
    return String(answer.body.next);
  }

  /** `POST /api/v1/reset/{flowId}/password`. */
  async setPassword(flowId: string, password: string): Promise<void> {
    expectStatus(await this.call('POST', `/api/v1/reset/${encodeURIComponent(flowId)}/password`, { password }), 200);
  }

  /**
   * `POST /api/v1/me/session` with the new password (the sign-in to security info): 201 proves the directory
   * takes it. The half-open session is ended again at once (`DELETE /api/v1/me/session`).
   */
  async signIn(tenant: string, identifier: string, password: string): Promise<void> {
    const answer = await this.call('POST', '/api/v1/me/session', { tenant, identifier, password });
    expectStatus(answer, 201);
    const token = answer.body.token;
    if (typeof token === 'string') await this.call('DELETE', '/api/v1/me/session', undefined, token).catch(() => undefined);
  }

  private async call(method: string, path: string, body?: unknown, bearer?: string): Promise<ApiAnswer> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.options.userAgent };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = null;
    }
    const record = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    return { status: response.status, body: record };
  }
}

/** Anything but the expected status is the step's failure: the status and the problem's stable code, never its body. */
function expectStatus(answer: ApiAnswer, status: number): void {
  if (answer.status === status) return;
  const code = typeof answer.body.code === 'string' ? ` ${answer.body.code}` : '';
  const left = typeof answer.body.attemptsLeft === 'number' ? ` (${answer.body.attemptsLeft} attempts left)` : '';
  throw new StepFailure(`HTTP ${answer.status}${code}${left}`);
}
