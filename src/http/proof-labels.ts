import type { ProofLabel } from '../core/methods/proof-label.js';
import type { ProofChoice } from '../core/reset/reset-flow.js';
import type { Translate } from './portal/language.js';

/** A proof choice as the API shows it: its label worded in the request's language. */
export interface WordedChoice {
  method: ProofChoice['method'];
  label: string;
  methodId?: string;
  questions?: string[];
}

/**
 * A choice's label in words of one language (`proof_label.*` of the portal's texts), for the API's `label` and the
 * portal's second-proof page. The person's own names and the masked destinations are data, shown as they are;
 * several of them are listed the language's way (`Intl.ListFormat`).
 */
export function proofLabelText(t: Translate, lang: string, method: ProofChoice['method'], label: ProofLabel): string {
  switch (label.of) {
    case 'kind':
      return t(`proof_label.kind.${method}`);
    case 'names':
      return listOf(lang, label.names.map((name) => t(`proof_label.named.${method}`, { name })));
    case 'masked':
      return listOf(lang, label.masked);
    case 'left':
      return t(`proof_label.left.${method}`, { count: label.left });
  }
}

/** Core's choices with their labels worded (the API's `methods`). */
export function wordedChoices(t: Translate, lang: string, choices: readonly ProofChoice[]): WordedChoice[] {
  return choices.map(({ label, ...rest }) => ({ ...rest, label: proofLabelText(t, lang, rest.method, label) }));
}

function listOf(lang: string, items: readonly string[]): string {
  try {
    return new Intl.ListFormat(lang, { type: 'unit', style: 'short' }).format(items);
  } catch {
    // A language tag Intl does not know: a plain comma list.
    return items.join(', ');
  }
}
