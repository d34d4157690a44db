import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { loadI18n } from '../../src/adapters/i18n/load-i18n.js';
import { errorTranslator } from '../../src/http/problem.js';

const requestIn = (lang: string) => ({ headers: { 'accept-language': lang }, cookies: {} }) as unknown as FastifyRequest;

describe('problem titles', () => {
  const translate = errorTranslator(loadI18n());

  it('are in each request\'s language, again and again (a kept title is kept per language)', () => {
    for (let round = 0; round < 2; round++) {
      expect(translate('rate_limited', requestIn('de'))).toBe('Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es erneut.');
      expect(translate('rate_limited', requestIn('en'))).toBe('Too many attempts. Please wait a little and try again.');
      expect(translate('rate_limited')).toBe('Too many attempts. Please wait a little and try again.');
    }
  });

  it('fill their parameters anew every time', () => {
    expect(translate('detail.field', requestIn('en'), { field: 'identifier' })).toBe('Check the field "identifier".');
    expect(translate('detail.field', requestIn('en'), { field: 'password' })).toBe('Check the field "password".');
    expect(translate('detail.field', requestIn('de'), { field: 'password' })).toBe('Prüfen Sie das Feld „password“.');
  });
});
