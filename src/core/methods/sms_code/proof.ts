import { maskPhone } from '../../identity/mask.js';
import { DIRECTORY_PHONE_ID, directoryPhoneOf } from '../directory-contacts.js';
import type { ProofOption, ProofStrategy } from '../proof-strategy.js';
import { smsCodeMessage } from './code-binding.js';
import { SMS_CODE } from './kind.js';

/** A code texted to one of the person's phones (`POST /reset/{flowId}/sms`), at the second proof only. */
export const smsCodeProof: ProofStrategy = {
  descriptor: SMS_CODE,

  async prove({ flow, account, decision, usable, candidate }, { keys, clock, methods, sms, codeDigits }) {
    // A texted code exists only after POST /reset/{flowId}/sms, at the second proof, to a phone of this person.
    const smsMatches = keys.verifyMac('code-hmac', flow.smsCodeKeyId ?? keys.currentId, smsCodeMessage(flow.id, candidate), flow.smsCodeHash ?? '');
    const live = Boolean(flow.smsCodeHash) && (flow.smsCodeExpiresAt?.getTime() ?? 0) > clock.now().getTime();
    // The directory's own number has no method row: it counts while the policy still trusts it.
    const fromDirectory = flow.smsMethodId === DIRECTORY_PHONE_ID;
    const phone = usable && live && flow.smsMethodId && !fromDirectory ? await methods.get(flow.tenantId, flow.smsMethodId) : null;
    const stillMine = fromDirectory
      ? usable && directoryPhoneOf(account!, decision!) !== null
      : phone !== null && phone.subjectId === account!.id && phone.kind === 'sms_code' && phone.confirmed;
    const ok = smsMatches && live && stillMine && Boolean(sms) && /^[0-9]+$/.test(candidate) && candidate.length === codeDigits;
    if (ok) return { ok: true };
    // The right digits after their time: an expired code, not a guess.
    return smsMatches && !live && Boolean(flow.smsCodeHash) ? { ok: false, reason: 'expired' } : { ok: false, reason: 'wrong' };
  },

  // The directory's number (when trusted and not registered too), then every registered phone, each with its id.
  choices({ account, decision, registered, server }) {
    if (!server.sms) return [];
    const choices: ProofOption[] = [];
    const fromDirectory = directoryPhoneOf(account, decision);
    const registeredPhones = registered.filter((m) => m.kind === 'sms_code').map((m) => String(m.data.phone));
    if (fromDirectory && !registeredPhones.includes(fromDirectory)) choices.push({ method: 'sms_code', label: { of: 'masked', masked: [maskPhone(fromDirectory)] }, methodId: DIRECTORY_PHONE_ID });
    for (const phone of registered.filter((m) => m.kind === 'sms_code' && typeof m.data.phone === 'string')) {
      choices.push({ method: 'sms_code', label: { of: 'masked', masked: [maskPhone(String(phone.data.phone))] }, methodId: phone.id });
    }
    return choices;
  },
};
