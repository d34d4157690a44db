import { BerWriter, Control } from 'ldapts';

/**
 * LDAP_SERVER_POLICY_HINTS (MS-ADTS 3.1.1.3.4.1.33): sent with an administrator's `unicodePwd` replace, it
 * asks AD to apply password history as it does for a person's own change. Without it a self-service
 * reset (which runs as the service account) could set the password back to one the person used before.
 */
export class PolicyHintsControl extends Control {
  /** The OID of Windows Server 2012 and later (the 2008 R2 one, …1.4.2066, is deprecated). */
  static readonly OID = '1.2.840.113556.1.4.2239';

  constructor() {
    // Critical: a DC that does not know the hint must refuse the reset, not quietly skip the history check.
    super(PolicyHintsControl.OID, { critical: true });
  }

  protected override writeControl(writer: BerWriter): void {
    // PolicyHintsRequestValue ::= SEQUENCE { Flags INTEGER } — 1 = enforce password history.
    const value = new BerWriter();
    value.startSequence();
    value.writeInt(1);
    value.endSequence();
    writer.writeBuffer(value.buffer, 0x04);
  }
}
