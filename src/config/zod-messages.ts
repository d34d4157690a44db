import type { z } from 'zod';

/**
 * A zod issue of the configuration as one administrator-readable message, reworded where zod's own would
 * puzzle. A key the file leaves out reads "required", not "expected string, received undefined" (which
 * sounds like a wrong value was written); a directory or sink without its `type` says which values it takes.
 * Every other issue keeps zod's message. `root` is what was parsed: whether the key is there is read from it.
 */
export function configIssueMessage(issue: z.core.$ZodIssue, root: unknown): string {
  if (valueAt(root, issue.path) !== undefined) return issue.message;
  if (issue.code === 'invalid_type') return 'required';
  if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options)) {
    return `required: one of ${(issue.options as unknown[]).map((option) => JSON.stringify(option)).join(', ')}`;
  }
  return issue.message;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}
