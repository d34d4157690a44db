import type { FastifyInstance } from 'fastify';
import { operatorEntry } from '../../../../core/audit/operator-entry.js';
import { UnlatchError } from '../../../../core/errors.js';
import { ATTACK_MODE_OVERRIDES, type AttackModeOverride } from '../../../../core/risk/attack-mode-rules.js';
import { clientOf } from '../../../portal/page.js';
import { operatorOf, tenantParam, type AdminContext } from '../../admin-context.js';
import { adminT, renderAdmin } from '../../admin-page.js';

/**
 * `GET …/attack-mode`: the tenant's attack mode (on or off, why, since when), the start rate over the window and the
 * surge rate, and the override form; `POST …/attack-mode` forces it on or off or hands it back to the rules, audited
 * (`risk.attack_mode_forced`) with the operator's name. The role rule (admins) is the area's guard.
 */
export function registerAttackModePages(scope: FastifyInstance, ctx: AdminContext): void {
  const control = () => {
    if (!ctx.deps.proofOfWork) throw new UnlatchError('not_found');
    return ctx.deps.proofOfWork.attackMode;
  };

  scope.get('/', async (request, reply) => {
    const tenantId = tenantParam(request);
    const status = await control().status(tenantId);
    const t = adminT(ctx, request);
    const rate = (n: number) => (Math.round(n * 100) / 100).toString();
    return renderAdmin(ctx, request, reply, 'attack-mode', {
      title: t('attack_mode.title'),
      status,
      rates: { window: rate(status.windowRate), baseline: rate(status.baselineRate), surge: rate(status.surgeRate) },
      overrides: ATTACK_MODE_OVERRIDES,
      action: `/admin/t/${tenantId}/attack-mode`,
    });
  });

  scope.post('/', { schema: { body: { type: 'object', additionalProperties: false, required: ['override'], properties: { _csrf: { type: 'string', maxLength: 512 }, override: { type: 'string', enum: [...ATTACK_MODE_OVERRIDES] } } } } }, async (request, reply) => {
    const tenantId = tenantParam(request);
    const override = (request.body as { override: AttackModeOverride }).override;
    const operator = operatorOf(request);
    const client = clientOf(request);
    await control().force(tenantId, override, (details) => operatorEntry(operator, client, { event: 'risk.attack_mode_forced', outcome: 'success', tenantId, details }));
    return reply.redirect(`/admin/t/${tenantId}/attack-mode`, 303);
  });
}
