import { UnlatchError } from '../errors.js';
import type { KeyRing } from '../crypto/key-ring.js';
import type { ClientInfo } from '../ports/client-info.js';
import type { Clock } from '../ports/clock.js';
import type { AttackModeState } from './attack-mode-state.js';
import { checkWaitTicket, issueWaitTicket, type WaitTicketTiming } from './proof-of-work-ticket.js';
import { RISK_ACTIONS, type ProofOfWorkGate, type RiskAction, type RiskDecision } from './risk-types.js';

/** `risk.proofOfWork.mode` and `tenants[].risk.proofOfWork.mode`. */
export const PROOF_OF_WORK_MODES = ['always', 'never', 'risk'] as const;
export type ProofOfWorkMode = (typeof PROOF_OF_WORK_MODES)[number];

const rank = (action: RiskAction) => RISK_ACTIONS.indexOf(action);

/**
 * Whether a start needs a proof of work: always while the tenant is in attack mode, else by the tenant's mode;
 * `risk` asks for one when the decision before the lookup is `proof_of_work` or worse. Only what is known before any
 * lookup goes in, so the answer is the same for every identifier. Without a decision (the start page's GET) `risk`
 * answers no: the POST's decision may still ask, and the page then shows the challenge.
 */
export function proofOfWorkRequired(input: { mode: ProofOfWorkMode; attackMode: boolean; before?: RiskDecision }): boolean {
  if (input.attackMode || input.mode === 'always') return true;
  if (input.mode === 'never' || !input.before) return false;
  return rank(input.before.action) >= rank('proof_of_work');
}

/** The ALTCHA side of the gate (`src/adapters/risk/altcha-challenges.ts`): signed challenges and their check. */
export interface ProofOfWorkChallenges {
  /** A fresh signed challenge for the tenant, as the widget and API clients take it (ALTCHA v2 JSON). */
  create(tenantId: string): Promise<Record<string, unknown>>;
  /** A solved payload (the widget's base64 JSON): its single-use id and expiry when right, signed for this tenant and unexpired; else null. */
  verify(tenantId: string, payload: string): Promise<{ id: string; expiresAt: Date } | null>;
}

/** Spent challenge and ticket ids, kept until they expire where every node sees them (migration 0027). */
export interface SpentProofs {
  /** Marks `id` spent; false when it already was (a replay). */
  spend(id: string, expiresAt: Date): Promise<boolean>;
}

/** What clients get to pass the gate: a challenge to solve, or a ticket to send back after `waitSeconds`. */
export interface ProofOfWorkOffer {
  challenge: Record<string, unknown>;
  waitTicket: string;
  waitSeconds: number;
}

export interface ProofOfWorkGateDeps {
  challenges: ProofOfWorkChallenges;
  spent: SpentProofs;
  keys: KeyRing;
  clock: Clock;
  /** The tenant's mode (its own, else the default). */
  modeFor: (tenantId: string) => ProofOfWorkMode;
  /** Absent: never in attack mode. */
  attackMode?: AttackModeState;
  /** Told of every start the gate sees (attack mode counts them; no I/O per start). */
  starts?: { countStart(tenantId: string): void };
  timing: WaitTicketTiming;
}

/**
 * The proof-of-work gate of the start step. A missing, wrong, expired or replayed proof throws
 * `proof_of_work_required` whose details carry a fresh {@link ProofOfWorkOffer} (and, for a ticket sent too early,
 * `remainingSeconds` with the same ticket back, so the wait page counts on instead of starting over).
 */
export class ProofOfWorkGateService implements ProofOfWorkGate {
  /**
   * The challenge last handed to each tenant and address, handed again for a few seconds: a flood of starts without
   * a proof then costs a map lookup per request instead of a signed challenge each. Still single-use — spending a
   * solution is what counts, on any node — and a spent one is not handed out again by this node.
   */
  private readonly recent = new Map<string, { challenge: Record<string, unknown>; until: number }>();

  constructor(private readonly deps: ProofOfWorkGateDeps) {}

  /** Whether a start from this client must carry a proof now (the start page asks before it renders). */
  async required(tenantId: string, before?: RiskDecision): Promise<boolean> {
    const attackMode = (await this.deps.attackMode?.isActive(tenantId)) ?? false;
    return proofOfWorkRequired({ mode: this.deps.modeFor(tenantId), attackMode, before });
  }

  /** A challenge and a wait ticket for a page or an API client. */
  async offer(tenantId: string, client: ClientInfo): Promise<ProofOfWorkOffer> {
    return {
      challenge: await this.challengeFor(tenantId, client.ip),
      waitTicket: issueWaitTicket(this.deps.keys, { tenantId, ip: client.ip, now: this.deps.clock.now() }),
      waitSeconds: this.deps.timing.waitSeconds,
    };
  }

  async refuseUnproven(input: { tenantId: string; client: ClientInfo; solution?: string; waitTicket?: string }): Promise<void> {
    if (input.solution || input.waitTicket || !(await this.required(input.tenantId))) return;
    this.deps.starts?.countStart(input.tenantId);
    throw new UnlatchError('proof_of_work_required', { ...(await this.offer(input.tenantId, input.client)) });
  }

  async check(input: { tenantId: string; client: ClientInfo; before: RiskDecision; solution?: string; waitTicket?: string }): Promise<void> {
    const { tenantId, client } = input;
    this.deps.starts?.countStart(tenantId);
    if (!(await this.required(tenantId, input.before))) return;
    if (input.solution) {
      const solved = await this.deps.challenges.verify(tenantId, input.solution);
      // Spent only once verified, so a wrong payload cannot burn someone else's challenge.
      if (solved) this.recent.delete(`${tenantId}\u0000${client.ip}`);
      if (solved && (await this.deps.spent.spend(`c:${solved.id}`, solved.expiresAt))) return;
    } else if (input.waitTicket) {
      const ticket = checkWaitTicket(this.deps.keys, input.waitTicket, { tenantId, ip: client.ip, now: this.deps.clock.now() }, this.deps.timing);
      if (ticket.kind === 'ready' && (await this.deps.spent.spend(`w:${ticket.id}`, ticket.expiresAt))) return;
      if (ticket.kind === 'early') {
        const offer = await this.offer(tenantId, client);
        throw new UnlatchError('proof_of_work_required', { ...offer, waitTicket: input.waitTicket, waitSeconds: ticket.remainingSeconds, remainingSeconds: ticket.remainingSeconds });
      }
    }
    throw new UnlatchError('proof_of_work_required', { ...(await this.offer(tenantId, client)) });
  }

  private async challengeFor(tenantId: string, ip: string): Promise<Record<string, unknown>> {
    const key = `${tenantId}\u0000${ip}`;
    const now = this.deps.clock.now().getTime();
    const held = this.recent.get(key);
    if (held && held.until > now) return held.challenge;
    const challenge = await this.deps.challenges.create(tenantId);
    this.recent.delete(key);
    // Bounded: the oldest address is forgotten first (a Map keeps insertion order).
    if (this.recent.size >= REUSE_MAX_ADDRESSES) this.recent.delete(this.recent.keys().next().value!);
    this.recent.set(key, { challenge, until: now + Math.min(REUSE_SECONDS, this.deps.timing.expiresSeconds / 4) * 1000 });
    return challenge;
  }
}

/** How long one address is handed the same unsolved challenge, and for how many addresses at most. */
const REUSE_SECONDS = 5;
const REUSE_MAX_ADDRESSES = 10_000;
