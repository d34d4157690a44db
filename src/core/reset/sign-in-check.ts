/**
 * Tries `signIn` up to `attempts` times, waiting `initialDelayMs`, then twice that, and so on between tries:
 * a new password written to one domain controller or LDAP provider reaches the others a little later.
 * A throwing try counts as a failed one. Returns whether a try worked and how many were made.
 */
export async function signInWithRetries(
  signIn: () => Promise<boolean>,
  options: { attempts: number; initialDelayMs: number },
  delay: (ms: number) => Promise<void>,
): Promise<{ ok: boolean; tries: number }> {
  let wait = options.initialDelayMs;
  for (let tries = 1; tries <= options.attempts; tries += 1) {
    if (tries > 1) {
      await delay(wait);
      wait *= 2;
    }
    if (await signIn().catch(() => false)) return { ok: true, tries };
  }
  return { ok: false, tries: options.attempts };
}
