/**
 * A package loaded by its first use rather than at start, so that what a node never uses stays out of its heap:
 * `load` runs on the first call, and every later call shares its promise.
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}
