/** A texted code is bound to its flow too, and kept apart from the emailed one (the same digits never prove both). */
export function smsCodeMessage(flowId: string, code: string): string {
  return `${flowId}:sms:${code}`;
}
