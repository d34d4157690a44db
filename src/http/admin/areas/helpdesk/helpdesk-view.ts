import type { Helpdesk } from '../../../../core/helpdesk/helpdesk.js';
import type { HelpdeskAgent } from '../../../../core/helpdesk/helpdesk-entry.js';
import { UnlatchError } from '../../../../core/errors.js';
import { decidePolicy } from '../../../../core/policy/method-policy.js';
import { accessPassUsable } from '../../../../core/methods/access_pass/usable.js';
import type { AccessPassRecord } from '../../../../core/ports/access-passes.js';
import type { DirectoryAccount } from '../../../../core/ports/directory.js';
import type { HelpdeskCheck, HelpdeskRequest } from '../../../../core/ports/helpdesk.js';
import type { CheckOption } from '../../../../core/helpdesk/check-options.js';
import type { AdminContext } from '../../admin-context.js';

/** Everything the helpdesk page of a person shows; never a code, pass or address in full. */
export interface HelpdeskPersonView {
  account: DirectoryAccount;
  /** Protected: every action needs a second operator's approval. */
  protected: boolean;
  options: CheckOption[];
  /** The agent's current check: passed (actions open) or pending (waiting for the caller's code). */
  check: HelpdeskCheck | null;
  requests: HelpdeskRequest[];
  passes: AccessPassRecord[];
  methods: Array<{ id: string; kind: string; name: string; confirmed: boolean }>;
  /** Actions the person's directory and policy allow. */
  canOneTimePassword: boolean;
  canAccessPass: boolean;
  accessPass: { defaultMinutes: number; maxMinutes: number; maxUses: number };
}

/** The helpdesk of the console (`admin.helpdesk`); its absence answers 404 like an unknown route. */
export function helpdeskOf(ctx: AdminContext): Helpdesk {
  const helpdesk = ctx.admin.helpdesk;
  if (!helpdesk) throw new UnlatchError('not_found');
  return helpdesk;
}

/** The person's helpdesk page for this agent; null when no such account. */
export async function helpdeskPersonView(ctx: AdminContext, agent: HelpdeskAgent, tenantId: string, subjectId: string): Promise<HelpdeskPersonView | null> {
  const helpdesk = helpdeskOf(ctx);
  const account = await ctx.admin.directory.findById(tenantId, subjectId, { fresh: true });
  if (!account) return null;
  const [options, check, requests, passes, methods] = await Promise.all([
    helpdesk.checks.options(account),
    helpdesk.checks.current(agent, account),
    helpdesk.approvals.openFor(agent, account),
    helpdesk.passes.listLive(tenantId, account.id, ctx.admin.clock.now()),
    ctx.admin.methods.listForSubject(tenantId, account.id),
  ]);
  return {
    account,
    protected: helpdesk.approvals.isProtected(account),
    options,
    check,
    requests,
    passes,
    methods: methods.map((m) => ({ id: m.id, kind: m.kind, name: m.name, confirmed: m.confirmed })),
    canOneTimePassword: helpdesk.oneTimePasswords.supported(account),
    canAccessPass: accessPassUsable(decidePolicy(ctx.deps.policyFor(tenantId), account)),
    accessPass: helpdesk.settings.accessPass,
  };
}
