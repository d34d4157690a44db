/**
 * The network a client address belongs to for the subnet velocity signal: its IPv4 /24 or its IPv6 /64 (what one
 * household, office or cloud customer usually holds). Pure string work: an address Node's socket gave us, or a
 * proxy's X-Forwarded-For Fastify checked against `trustProxy`.
 */
export function subnetKey(ip: string): string {
  const v4 = ipv4Of(ip);
  if (v4) return `v4:${v4.slice(0, 3).join('.')}`;
  const groups = ipv6Groups(ip);
  if (groups) return `v6:${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}`;
  // Not an address (a test's or a socket's oddity): its own key, so it is counted alone rather than lumped together.
  return `x:${ip}`;
}

/** The four octets of a dotted IPv4 address, also inside `::ffff:a.b.c.d`; null otherwise. */
export function ipv4Of(ip: string): number[] | null {
  const text = ip.toLowerCase().startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return octets.every((o) => o >= 0 && o <= 255) ? octets : null;
}

/** The eight 16-bit groups of an IPv6 address (with `::` expanded, a zone id dropped); null when it is not one. */
export function ipv6Groups(ip: string): number[] | null {
  const text = ip.split('%')[0]!.toLowerCase();
  if (!text.includes(':')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        const v4 = ipv4Of(group);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/.test(group)) out.push(parseInt(group, 16));
      else return null;
    }
    return out;
  };
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}
