import type { Translate } from '../language.js';
import type { FieldError } from '../page.js';

/**
 * The checks a page makes before asking core: both fields filled and equal. The rules themselves
 * (length, blocklist, strength) are core's, so the same password gets the same verdict everywhere.
 */
export function newPasswordErrors(t: Translate, password: string, confirm: string, passwordField: string, confirmField: string): FieldError[] {
  const errors: FieldError[] = [];
  if (password === '') errors.push({ field: passwordField, message: t('password.required') });
  if (confirm === '') errors.push({ field: confirmField, message: t('password.confirm_required') });
  else if (password !== '' && password !== confirm) errors.push({ field: confirmField, message: t('password.mismatch') });
  return errors;
}
