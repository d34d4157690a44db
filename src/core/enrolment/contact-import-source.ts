/**
 * Whether a method holds contact data the organisation imported (`data.source`: `import` from an HR file,
 * `directory` from mapped attributes). Such a method waiting for confirmation is the organisation's, not a
 * half-finished registration of the person's: their own new registrations must not sweep it away.
 * A module of its own (no imports), so registration code can ask without depending on the import.
 */
export function isImportedContact(method: { data: Record<string, unknown> }): boolean {
  return method.data.source === 'import' || method.data.source === 'directory';
}
