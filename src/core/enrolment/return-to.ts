/**
 * Checks a `returnTo` of `/enroll` against `enrolment.returnToAllowlist`. An entry without a path (or with
 * `/`) allows any address of exactly that origin; an entry with a path allows that path and what lies under
 * it (`https://idp.example.org/realms/acme/` allows `/realms/acme/…`, not `/realms/acme-evil`). Scheme, host and
 * port must match exactly; user info is refused. Returns the normalised URL to redirect to, or null (refused):
 * never an open redirect.
 */
export function allowedReturnTo(value: string, allowlist: readonly string[]): string | null {
  if (value.length === 0 || value.length > 2048 || /[\u0000-\u001f\u007f\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username !== '' || url.password !== '') return null;
  for (const entry of allowlist) {
    let allowed: URL;
    try {
      allowed = new URL(entry);
    } catch {
      continue;
    }
    if (allowed.origin !== url.origin) continue;
    const prefix = allowed.pathname;
    if (prefix === '/' || url.pathname === prefix || url.pathname.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)) return url.href;
  }
  return null;
}
