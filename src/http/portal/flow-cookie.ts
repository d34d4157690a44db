import type { FastifyReply, FastifyRequest } from 'fastify';
import { METHOD_KINDS } from '../../core/methods/method-kinds.js';
import { KIND_LABEL, type ProofLabel } from '../../core/methods/proof-label.js';
import { PROOF_STRATEGIES } from '../../core/methods/registry.js';
import type { ProofChoice, ResetProofMethod } from '../../core/reset/reset-flow.js';
import type { PortalContext } from './page.js';

/** The cookie carrying the reset flow's handle between the pages of one reset. */
export const FLOW_COOKIE = 'unlatch_reset';
const FLOW_COOKIE_PATH = '/reset';

/**
 * The choices core may offer for a second proof: every kind whose strategy offers choices — the code methods,
 * passkeys (proven with /assets/passkeys.js) and registered phones (`sms_code`, one choice per phone, each with
 * its method id); security questions (`questions`) by kind only: their texts are asked of core when the page is shown.
 */
const CHOICE_METHODS: readonly ResetProofMethod[] = METHOD_KINDS.filter((kind) => PROOF_STRATEGIES[kind].choices !== undefined);
/** A method id as core makes them (and as `POST /reset/{flowId}/sms` accepts them). */
const METHOD_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest name or masked destination kept in the cookie; core's are far shorter (a masked address, an app's name). */
const MAX_LABEL = 200;
/** Most names or destinations one label keeps (apps, passkeys, addresses of one person). */
const MAX_LABEL_ITEMS = 20;
/** Above this the labels are dropped (the page then names the kinds only), so the cookie stays well under 4 KB. */
const MAX_CHOICES_ENCODED = 2800;

/**
 * Stores the flow handle: signed (tampering is detected before any lookup), HttpOnly (no script
 * reads it), SameSite=Strict (no cross-site request carries it), scoped to /reset, and `Secure` on
 * https. It lives no longer than the flow can.
 *
 * After a first proof, when a second is needed, the masked choices core returned ride along
 * (`<handle>~<base64url JSON>`): core gives them only from that verify call, and keeping them in the
 * flow's own cookie binds them to this flow and ends them with it. They hold no secret: masked labels
 * the person is shown anyway, and only after a first proof.
 */
export function setFlowCookie(ctx: PortalContext, reply: FastifyReply, flowId: string, choices?: readonly ProofChoice[], maxAgeSeconds?: number): void {
  const { codeTtlSeconds, passwordStepTtlSeconds } = ctx.deps.config.reset;
  reply.setCookie(FLOW_COOKIE, choices === undefined ? flowId : `${flowId}~${encodeChoices(choices)}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: ctx.secureCookies,
    path: FLOW_COOKIE_PATH,
    // A flow held for review lives longer: its page passes how long (the wait, then the password step).
    maxAge: maxAgeSeconds ?? codeTtlSeconds + passwordStepTtlSeconds,
  });
}

/** The flow handle from a valid signed cookie, or null. */
export function readFlowCookie(request: FastifyRequest): string | null {
  const value = unsigned(request);
  if (value === null) return null;
  const handle = value.split('~')[0] ?? '';
  return handle === '' ? null : handle;
}

/**
 * The second-proof choices stored with the flow handle: `null` when none were stored (the flow got to
 * this step without this browser seeing the answer), `[]` when core offered none.
 */
export function readFlowChoices(request: FastifyRequest): ProofChoice[] | null {
  const value = unsigned(request);
  const encoded = value?.split('~')[1];
  if (encoded === undefined) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed)) return null;
    const choices: ProofChoice[] = [];
    for (const item of parsed as unknown[]) {
      const { m, l, i } = (item ?? {}) as { m?: unknown; l?: unknown; i?: unknown };
      const method = CHOICE_METHODS.find((kind) => kind === m);
      if (!method) continue;
      const label = labelOf(l);
      if (method === 'sms_code') {
        // One choice per phone: a person may have several, each texted by its own method id.
        if (typeof i !== 'string' || !METHOD_ID.test(i) || choices.some((c) => c.methodId === i)) continue;
        choices.push({ method, label, methodId: i });
        continue;
      }
      if (choices.some((c) => c.method === method)) continue;
      choices.push({ method, label });
    }
    return choices;
  } catch {
    return null;
  }
}

export function clearFlowCookie(ctx: PortalContext, reply: FastifyReply): void {
  reply.clearCookie(FLOW_COOKIE, { path: FLOW_COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: ctx.secureCookies });
}

function unsigned(request: FastifyRequest): string | null {
  const raw = request.cookies[FLOW_COOKIE];
  if (!raw) return null;
  const result = request.unsignCookie(raw);
  return result.valid && result.value ? result.value : null;
}

/**
 * The choices as stored: `m` the method, `l` its label as core gave it (data, worded when a page is shown, in that
 * page's language), `i` a phone's method id (needed to text it, so never dropped).
 */
function encodeChoices(choices: readonly ProofChoice[]): string {
  const encode = (withLabels: boolean) =>
    Buffer.from(JSON.stringify(choices.map((c) => ({
      m: c.method,
      l: withLabels ? c.label : KIND_LABEL,
      ...(c.methodId !== undefined ? { i: c.methodId } : {}),
    }))), 'utf8').toString('base64url');
  const full = encode(true);
  return full.length <= MAX_CHOICES_ENCODED ? full : encode(false);
}

/** A stored label, checked item by item (the cookie is signed, but its shape is still only what it says); else the kind's. */
function labelOf(value: unknown): ProofLabel {
  const { of, names, masked, left } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const strings = (items: unknown): string[] | null =>
    Array.isArray(items) && items.length > 0 && items.length <= MAX_LABEL_ITEMS && items.every((item) => typeof item === 'string') ? items.map((item: string) => item.slice(0, MAX_LABEL)) : null;
  if (of === 'names' && strings(names)) return { of, names: strings(names)! };
  if (of === 'masked' && strings(masked)) return { of, masked: strings(masked)! };
  if (of === 'left' && typeof left === 'number' && Number.isInteger(left) && left >= 0 && left <= 1000) return { of, left };
  return KIND_LABEL;
}
