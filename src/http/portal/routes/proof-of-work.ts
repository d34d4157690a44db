import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUnlatchError, type UnlatchError } from '../../../core/errors.js';
import { field } from '../form.js';
import { clientOf, portalT, type PortalContext } from '../page.js';

/** Form fields of the check: the widget's payload (`name="proofOfWork"`) and the no-JavaScript wait ticket. */
export const PROOF_OF_WORK_FIELDS = { proofOfWork: 4096, waitTicket: 256 } as const;

/** What the start page shows of the check (absent: no check asked for). */
export interface ProofOfWorkView {
  /** The signed ALTCHA v2 challenge as JSON, for the widget's `challenge` attribute (no fetch, no connect-src). */
  challengeJson: string;
  waitTicket: string;
  waitSeconds: number;
  /** The sentence above the bar: "You can continue in 10 seconds." */
  waitText: string;
  /** A note after a refused POST: too early, or the check was missing or wrong. */
  note?: string;
}

/** The proof a start form carried. */
export function proofOfWorkInput(request: FastifyRequest): { solution?: string; waitTicket?: string } {
  const solution = field(request, 'proofOfWork');
  const waitTicket = field(request, 'waitTicket');
  return { ...(solution ? { solution } : {}), ...(waitTicket ? { waitTicket } : {}) };
}

/** For the start page's GET: a fresh challenge and wait ticket when this tenant asks everyone for one now. */
export async function proofOfWorkOnGet(ctx: PortalContext, request: FastifyRequest, tenantId: string): Promise<ProofOfWorkView | undefined> {
  const pow = ctx.deps.proofOfWork;
  if (!pow || !(await pow.gate.required(tenantId))) return undefined;
  const offer = await pow.gate.offer(tenantId, clientOf(request));
  return viewOf(ctx, request, offer.challenge, offer.waitTicket, offer.waitSeconds);
}

/** For a POST refused with `proof_of_work_required`: the page again with the fresh offer the error carries. */
export function proofOfWorkRefused(ctx: PortalContext, request: FastifyRequest, error: unknown): ProofOfWorkView | undefined {
  if (!isUnlatchError(error) || error.code !== 'proof_of_work_required') return undefined;
  const d = (error as UnlatchError).details as { challenge: Record<string, unknown>; waitTicket: string; waitSeconds: number; remainingSeconds?: number };
  const t = portalT(ctx, request);
  const note = d.remainingSeconds !== undefined
    ? t('proof_of_work.too_early', { count: d.remainingSeconds })
    : t('proof_of_work.required');
  return { ...viewOf(ctx, request, d.challenge, d.waitTicket, d.waitSeconds), note };
}

function viewOf(ctx: PortalContext, request: FastifyRequest, challenge: Record<string, unknown>, waitTicket: string, waitSeconds: number): ProofOfWorkView {
  const t = portalT(ctx, request);
  return { challengeJson: JSON.stringify(challenge), waitTicket, waitSeconds, waitText: t('proof_of_work.wait', { count: waitSeconds }) };
}

/**
 * `/assets/altcha/altcha.js` (the widget's CSP-friendly "external" build: no inline styles, no bundled blob
 * workers), its stylesheet, the SHA worker, `/assets/proof-of-work.js` and `/assets/proof-of-work.css` (the wait bar,
 * one animation length per possible wait, since a page may not carry an inline style).
 */
export function registerProofOfWorkAssets(app: FastifyInstance, portalAssetsDir: string): void {
  const external = dirname(createRequire(import.meta.url).resolve('altcha/external'));
  const files: Array<[string, string, string | Buffer]> = [
    ['/assets/altcha/altcha.js', 'text/javascript; charset=utf-8', readFileSync(join(external, 'altcha.min.js'))],
    ['/assets/altcha/altcha.css', 'text/css; charset=utf-8', readFileSync(join(external, 'altcha.css'))],
    ['/assets/altcha/sha-worker.js', 'text/javascript; charset=utf-8', readFileSync(join(external, '..', 'workers', 'sha.js'))],
    ['/assets/proof-of-work.js', 'text/javascript; charset=utf-8', readFileSync(join(portalAssetsDir, 'proof-of-work.js'))],
    ['/assets/proof-of-work.css', 'text/css; charset=utf-8', waitCss()],
  ];
  for (const [url, type, body] of files) {
    app.get(url, async (_request, reply) => reply.type(type).header('cache-control', 'public, max-age=3600').send(body));
  }
}

function waitCss(): string {
  const rules = [
    '.pow-wait { margin: 1rem 0; }',
    '.pow-bar { height: 0.5rem; border: 1px solid currentColor; border-radius: 0.25rem; overflow: hidden; }',
    '.pow-bar span { display: block; height: 100%; width: 100%; background: currentColor; transform-origin: left; animation: pow-fill linear both; }',
    '[dir="rtl"] .pow-bar span { transform-origin: right; }',
    '@keyframes pow-fill { from { transform: scaleX(0); } to { transform: scaleX(1); } }',
    '@media (prefers-reduced-motion: reduce) { .pow-bar span { animation: none; } }',
    'altcha-widget { display: block; margin: 1rem 0; }',
  ];
  for (let s = 1; s <= 120; s++) rules.push(`.pow-wait-${s} span { animation-duration: ${s}s; }`);
  return `${rules.join('\n')}\n`;
}
