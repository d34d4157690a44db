import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load-config.js';

describe('metrics.helpdeskTicketCost', () => {
  it('takes an amount and an ISO 4217 currency, and is absent by default', () => {
    expect(validateConfig({ metrics: { helpdeskTicketCost: { amount: 25, currency: 'EUR' } } }).metrics.helpdeskTicketCost).toEqual({ amount: 25, currency: 'EUR' });
    expect(validateConfig({}).metrics.helpdeskTicketCost).toBeUndefined();
  });

  it('refuses a negative amount, a currency that is not a code, and unknown keys, naming the key', () => {
    expect(() => validateConfig({ metrics: { helpdeskTicketCost: { amount: -1, currency: 'EUR' } } })).toThrow(/metrics\.helpdeskTicketCost\.amount/);
    expect(() => validateConfig({ metrics: { helpdeskTicketCost: { amount: 5, currency: 'euro' } } })).toThrow(/metrics\.helpdeskTicketCost\.currency/);
    expect(() => validateConfig({ metrics: { helpdeskTicketCost: { amount: 5, currency: 'EUR', per: 'call' } } })).toThrow(/metrics\.helpdeskTicketCost/);
  });
});
