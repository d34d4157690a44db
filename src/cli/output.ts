/** Plain-text output helpers for the CLI. */

/** Replaces control characters (escape sequences, line breaks) so stored data cannot drive the terminal. */
export function printable(value: string): string {
  return value.replace(/[\p{Cc}\p{Cs}]/gu, '\uFFFD');
}

function width(value: string): number {
  return [...value].length;
}

/** A left-aligned table with a header row; cells are made printable. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers, ...rows].map((row) => row.map(printable));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => width(row[column] ?? ''))));
  return cells
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell + ' '.repeat(widths[column]! - width(cell))))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; SQLite URLs are shown as they are. */
export function describeDatabaseUrl(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) if (/pass|secret|key/i.test(key)) parsed.searchParams.set(key, '***');
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}
