// MAC addresses as KubeVirt and kubemacpool read them: Go's net.ParseMAC (EUI-48 `02:00:5e:10:00:01`,
// `02-00-5E-10-00-01`, `0200.5e10.0001`; also the EUI-64 and 20-byte InfiniBand forms, which KubeVirt then
// rejects as too long). An EUI-48 is held as a number: 48 bits fit a double exactly.

/** The bytes of a MAC address, or undefined when Go's net.ParseMAC would fail. */
export function parseMac(s: string): number[] | undefined {
  if (s.length < 14) return undefined;
  const hex2 = (at: number): number | undefined => {
    const h = s.slice(at, at + 2);
    return /^[0-9a-fA-F]{2}$/.test(h) ? parseInt(h, 16) : undefined;
  };
  const sep = s[2];
  if (sep === ':' || sep === '-') {
    if ((s.length + 1) % 3 !== 0) return undefined;
    const n = (s.length + 1) / 3;
    if (n !== 6 && n !== 8 && n !== 20) return undefined;
    const out: number[] = [];
    for (let i = 0, x = 0; i < n; i++, x += 3) {
      const b = hex2(x);
      if (b === undefined || (i < n - 1 && s[x + 2] !== sep)) return undefined;
      out.push(b);
    }
    return out;
  }
  if (s[4] === '.') {
    if ((s.length + 1) % 5 !== 0) return undefined;
    const n = (2 * (s.length + 1)) / 5;
    if (n !== 6 && n !== 8 && n !== 20) return undefined;
    const out: number[] = [];
    for (let i = 0, x = 0; i < n; i += 2, x += 5) {
      const hi = hex2(x);
      const lo = hex2(x + 2);
      if (hi === undefined || lo === undefined || (i < n - 2 && s[x + 4] !== '.')) return undefined;
      out.push(hi, lo);
    }
    return out;
  }
  return undefined;
}

/** An EUI-48 as a number, or undefined for anything else (malformed, or 8/20 bytes long). */
export function macToNumber(s: string): number | undefined {
  const b = parseMac(s);
  if (!b || b.length !== 6) return undefined;
  return b.reduce((acc, x) => acc * 256 + x, 0);
}

/** Lowercase, colon-separated: Go's HardwareAddr.String(), what kubemacpool writes into specs. */
export function formatMac(n: number): string {
  const parts: string[] = [];
  for (let i = 5; i >= 0; i--) parts.push(Math.floor(n / 256 ** i % 256).toString(16).padStart(2, '0'));
  return parts.join(':');
}

/** The least significant bit of the first octet marks a multicast address. */
export function isMulticastMac(n: number): boolean {
  return Math.floor(n / 256 ** 5) % 2 === 1;
}

export const MAX_MAC = 2 ** 48 - 1;
