import type { KeyRing } from '../../crypto/key-ring.js';
import type { ResetFlowRecord } from '../../reset/reset-flow-record.js';

/** Codes are bound to their flow: the same digits mean nothing in another flow. */
export function codeMessage(flowId: string, code: string): string {
  return `${flowId}:${code}`;
}

/**
 * Whether `candidate` is the flow's emailed code. The reset computes this on every path (decoy, other methods,
 * malformed input), whatever is being proven, so timing says little.
 */
export function emailCodeMatches(keys: KeyRing, flow: ResetFlowRecord, candidate: string): boolean {
  return keys.verifyMac('code-hmac', flow.codeKeyId ?? keys.currentId, codeMessage(flow.id, candidate), flow.codeHash ?? '');
}
