import type { i18n } from 'i18next';
import type { ClaimedMessage } from '../store/outbox-repository.js';
import { renderPasswordChanged, renderResetCode, type RenderedMail } from './templates.js';

/** Turns a queued message into the mail to send, at delivery time, in English until people carry a language. */
export function createMailRenderer(options: { i18n: i18n; publicUrl: string; supportContact?: string }): (message: ClaimedMessage) => RenderedMail {
  const t = options.i18n.getFixedT('en', 'mail');
  return (message) => {
    const data = message.data;
    switch (message.template) {
      case 'reset_code':
        return renderResetCode({
          code: String(data.code),
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          expiresInMinutes: Number(data.expiresInMinutes ?? 10),
          publicUrl: options.publicUrl,
          t,
        });
      case 'password_changed':
        return renderPasswordChanged({
          displayName: String(data.displayName ?? ''),
          tenantName: String(data.tenantName ?? ''),
          when: new Date(String(data.when)),
          ip: String(data.ip ?? ''),
          publicUrl: options.publicUrl,
          supportContact: options.supportContact,
          t,
        });
      default:
        throw new Error(`no template ${String(message.template)}`);
    }
  };
}
