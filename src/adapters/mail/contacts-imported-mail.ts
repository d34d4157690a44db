import { LINK, baseUrl, clean, formatUtc, greetingFor, layout, para, paraWithLink, reportLinkParagraph, translate, withUrl, type MailT, type RenderedMail } from './templates.js';

/** What the "contact details were added by your organisation" notice shows (queued by the contact import and sync). */
export interface ContactsImportedInput {
  displayName: string;
  tenantName: string;
  when: Date;
  /** The added values, masked (`j•••@example.com, •••• 0123`). */
  added: string;
  /** Whether they count at once (`trustImportedContacts`) or wait for the person to confirm them. */
  confirmed: boolean;
  /** `import`: from HR records; `directory`: from the directory. */
  source: 'import' | 'directory';
  publicUrl: string;
  /** Where to report data that is not theirs. */
  supportContact?: string;
  /** The notice's "this wasn't me" token; absent: no report link. */
  reportToken?: string;
  /** The tenant of the notice: the report link names it, so the report page has its look, language and helpdesk. */
  reportTenant?: string;
  t: MailT;
}

/**
 * "Your organisation added contact details to your account": which (masked), from where, whether they can receive
 * reset codes now or must be confirmed at security info first, and what to do when a detail is not theirs.
 */
export function renderContactsImported(input: ContactsImportedInput): RenderedMail {
  const { t } = input;
  const tenantName = clean(input.tenantName);
  const url = `${baseUrl(input.publicUrl)}/security-info`;
  const tr = (key: string, values: Record<string, unknown> = {}) => translate(t, key, { tenantName, ...values });
  const subject = tr('contacts_imported.subject');
  const greeting = greetingFor(t, input.displayName);
  const body = tr(`contacts_imported.body_${input.source}`, { when: formatUtc(input.when), added: clean(input.added) });
  const status = tr(input.confirmed ? 'contacts_imported.confirmed' : 'contacts_imported.unconfirmed', { url: LINK });
  const support = input.supportContact === undefined ? '' : clean(input.supportContact);
  const notYours = support ? tr('contacts_imported.not_yours_support', { support, url: LINK }) : tr('contacts_imported.not_yours', { url: LINK });
  const footer = tr('common.footer');
  const report = reportLinkParagraph(t, input.publicUrl, input.reportToken, input.reportTenant);
  const text = [greeting, '', body, '', withUrl(status, url), '', withUrl(notYours, url), ...(report ? ['', report.text] : []), '', '-- ', footer].join('\n');
  const html = layout(t, subject, tr('contacts_imported.heading'), footer, [para(greeting), para(body), paraWithLink(status, url), paraWithLink(notYours, url), ...(report ? [report.html] : [])]);
  return { subject, text, html };
}
