import { BerWriter, type Client, type Control } from 'ldapts';

/** RFC 3062 LDAP Password Modify extended operation. */
export const PASSWORD_MODIFY_OID = '1.3.6.1.4.1.4203.1.11.1';

/** What a Password Modify request carries; an absent field is left out of the request. */
export interface PasswordModifyFields {
  /** The entry whose password changes; absent means the bound identity's own. */
  userIdentity?: string;
  /** The current password; required by most servers when a person changes their own. */
  oldPassword?: string;
  /** The new password. Always sent: without it the server would generate one. */
  newPassword: string;
}

/**
 * The BER request value (RFC 3062 section 2):
 * `PasswdModifyRequestValue ::= SEQUENCE { userIdentity [0] OCTET STRING OPTIONAL,
 * oldPasswd [1] OCTET STRING OPTIONAL, newPasswd [2] OCTET STRING OPTIONAL }`, strings as UTF-8.
 */
export function passwordModifyRequest(fields: PasswordModifyFields): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  if (fields.userIdentity !== undefined) writer.writeString(fields.userIdentity, 0x80);
  if (fields.oldPassword !== undefined) writer.writeString(fields.oldPassword, 0x81);
  writer.writeString(fields.newPassword, 0x82);
  writer.endSequence();
  return writer.buffer;
}

/** Sends a Password Modify request on a bound connection; rejects with the server's result code error. */
export async function passwordModify(client: Client, fields: PasswordModifyFields, controls: Control[] = []): Promise<void> {
  await client.exop(PASSWORD_MODIFY_OID, passwordModifyRequest(fields), controls);
}
