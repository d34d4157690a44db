/**
 * E.164: `+`, then the country calling code and subscriber number, 8 to 15 digits in all, no spaces
 * or punctuation. Calling codes never start with 0, so neither does the first digit.
 * Numbers are validated as given and never rewritten here: formatting a number a person typed
 * (`0171 …`, `(555) …`) into E.164 needs their country and belongs to registration, not to sending.
 */
const E164 = /^\+[1-9][0-9]{7,14}$/;

/** Whether `value` is a number in E.164 form. */
export function isE164(value: unknown): value is string {
  return typeof value === 'string' && E164.test(value);
}
