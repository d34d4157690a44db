import type { FastifyRequest } from 'fastify';
import type { i18n } from 'i18next';
import type { ProofChoice } from '../../core/reset/reset-flow.js';
import type { HttpDeps } from '../http-deps.js';
import { catalogueOf, requestLanguage } from '../language-choice.js';
import { translatorFor, type Translate } from '../portal/language.js';
import { wordedChoices, type WordedChoice } from '../proof-labels.js';

/** The portal's texts for words inside an API answer, in one language. */
export interface ApiWords {
  catalogue: i18n;
  lang: string;
  t: Translate;
}

/**
 * The words of an API answer (choice labels, password reasons) in the request's language, by the one rule of
 * `requestLanguage`: the switcher's cookie, `Accept-Language`, the tenant's default (when the tenant is known),
 * English; with the tenant's overrides of the portal's texts.
 */
export function apiWords(deps: Pick<HttpDeps, 'i18n' | 'i18nFor' | 'tenants'>, request: FastifyRequest, tenantId?: string): ApiWords {
  const catalogue = tenantId === undefined ? deps.i18n : catalogueOf(deps, tenantId);
  const lang = requestLanguage(deps, request, tenantId);
  return { catalogue, lang, t: translatorFor(catalogue, lang, 'portal') };
}

/** A flow's proof choices as the API returns them: each `label` worded in the request's language. */
export function apiChoices(deps: Pick<HttpDeps, 'i18n' | 'i18nFor' | 'tenants'>, request: FastifyRequest, tenantId: string, choices: readonly ProofChoice[]): WordedChoice[] {
  const { t, lang } = apiWords(deps, request, tenantId);
  return wordedChoices(t, lang, choices);
}
