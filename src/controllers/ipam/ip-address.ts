// IPv4/IPv6 addresses and CIDRs as bigints, for the allocator's offset arithmetic. Pure.
// Formatting is canonical (IPv4 dotted quad; IPv6 per RFC 5952: lower case, longest zero run compressed),
// so one address always has one string: the allocator's set and the claims' `status.ips` compare as text.

export type Family = 4 | 6;

export interface IpAddress {
  family: Family;
  value: bigint;
}

export interface Cidr {
  family: Family;
  /** The network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export const familyBits = (f: Family): number => BITS[f];

const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!OCTET.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string, v4Tail: boolean): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (v4Tail && i === fields.length - 1 && f.includes('.')) {
        const v4 = parseV4(f);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!HEXTET.test(f)) return undefined;
        out.push(parseInt(f, 16));
      }
    }
    return out;
  };
  let all: number[];
  if (halves.length === 1) {
    const g = groups(halves[0]!, true);
    if (!g || g.length !== 8) return undefined;
    all = g;
  } else {
    const head = groups(halves[0]!, false);
    const tail = groups(halves[1]!, true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  return all.reduce((v, g) => (v << 16n) | BigInt(g), 0n);
}

export function parseIp(s: string): IpAddress | undefined {
  if (s.includes(':')) {
    const value = parseV6(s);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseV4(s);
  return value === undefined ? undefined : { family: 4, value };
}

export function formatIp(family: Family, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const g: number[] = [];
  for (let i = 7; i >= 0; i--) g.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952 §4.2: compress the longest run of two or more zero groups, the first one on a tie.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':');
  if (best < 0) return hex(g);
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** A CIDR with its host bits cleared; undefined when it does not parse. */
export function parseCidr(s: string): Cidr | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(s.slice(0, slash));
  const bits = s.slice(slash + 1);
  if (!ip || !/^(0|[1-9][0-9]*)$/.test(bits)) return undefined;
  const prefix = Number(bits);
  const width = BITS[ip.family];
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, prefix };
}

export const cidrString = (c: Cidr): string => `${formatIp(c.family, c.base)}/${c.prefix}`;

/** Number of addresses in the CIDR (2^host bits). */
export const cidrSize = (c: Cidr): bigint => 1n << BigInt(BITS[c.family] - c.prefix);

export function cidrContains(c: Cidr, ip: IpAddress): boolean {
  return ip.family === c.family && ip.value >= c.base && ip.value < c.base + cidrSize(c);
}

/** `192.168.254.3/24` → the address alone, canonical; undefined when it does not parse. */
export function addressOf(ipOrCidr: string): IpAddress | undefined {
  const slash = ipOrCidr.indexOf('/');
  return parseIp(slash < 0 ? ipOrCidr : ipOrCidr.slice(0, slash));
}

/** The canonical text of an address given with or without a prefix (the allocator's set key). */
export function canonicalAddress(ipOrCidr: string): string | undefined {
  const a = addressOf(ipOrCidr);
  return a ? formatIp(a.family, a.value) : undefined;
}
