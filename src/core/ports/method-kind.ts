/** The kinds of verification method a person can register and prove themselves with. */
export type MethodKind = 'email_code' | 'email_link' | 'sms_code' | 'totp' | 'webauthn' | 'backup_code' | 'questions';
