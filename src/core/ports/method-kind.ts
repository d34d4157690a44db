/** The kinds of verification method a person can register and prove themselves with (listed once, in `methods/method-kinds.ts`). */
export type { MethodKind } from '../methods/method-kinds.js';
