/**
 * MD4 (RFC 1320), only for NT hashes: the NTLM variant of the breached-password list is keyed by
 * MD4(UTF-16LE(password)). Node's OpenSSL 3 ships without MD4 (it sits in the legacy provider), so it is
 * written out here: small, pure, checked against the RFC's test vectors. Never use it for anything else.
 */

const S1 = [3, 7, 11, 19];
const S2 = [3, 5, 9, 13];
const S3 = [3, 9, 11, 15];
const K3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** MD4 digest of `data` (16 bytes). */
export function md4(data: Uint8Array): Uint8Array {
  const bitLength = data.length * 8;
  // Pad: 0x80, zeros up to 56 mod 64, then the bit length as 64-bit little-endian.
  const padded = new Uint8Array(((data.length + 8) >>> 6) * 64 + 64);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, bitLength >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bitLength / 0x1_0000_0000), true);

  let a = 0x67452301;
  let b = 0xefcdab89 | 0;
  let c = 0x98badcfe | 0;
  let d = 0x10325476;
  const x = new Int32Array(16);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getInt32(block + i * 4, true);
    const [aa, bb, cc, dd] = [a, b, c, d];
    for (let i = 0; i < 16; i++) {
      const f = (b & c) | (~b & d);
      const t = rotl((a + f + x[i]!) | 0, S1[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const g = (b & c) | (b & d) | (c & d);
      const t = rotl((a + g + x[(i % 4) * 4 + (i >> 2)]! + 0x5a827999) | 0, S2[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    for (let i = 0; i < 16; i++) {
      const h = b ^ c ^ d;
      const t = rotl((a + h + x[K3_ORDER[i]!]! + 0x6ed9eba1) | 0, S3[i % 4]!);
      [a, b, c, d] = [d, t, b, c];
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = new Uint8Array(16);
  const outView = new DataView(out.buffer);
  [a, b, c, d].forEach((word, i) => outView.setInt32(i * 4, word, true));
  return out;
}

/** The NT hash of a password: MD4 of its UTF-16LE encoding (what Active Directory stores). */
export function ntHash(password: string): Uint8Array {
  const bytes = new Uint8Array(password.length * 2);
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    bytes[i * 2] = unit & 0xff;
    bytes[i * 2 + 1] = unit >>> 8;
  }
  return md4(bytes);
}
