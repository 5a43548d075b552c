// IPv4 address and prefix arithmetic for the pod network plans. Pure.

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  network: number;
  prefix: number;
}

const OCTETS = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The address as a number, or undefined when `ip` is not a dotted-quad IPv4 address. */
export function parseIpv4(ip: string): number | undefined {
  const m = OCTETS.exec(ip);
  if (!m) return undefined;
  let n = 0;
  for (const o of m.slice(1)) {
    const v = Number(o);
    if (v > 255 || (o.length > 1 && o.startsWith('0'))) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function isIpv4(ip: string): boolean {
  return parseIpv4(ip) !== undefined;
}

function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** `a.b.c.d/len` with host bits zero (a network, not an address in it), or undefined. */
export function parseCidr(cidr: string): Ipv4Cidr | undefined {
  const slash = cidr.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIpv4(cidr.slice(0, slash));
  const lenText = cidr.slice(slash + 1);
  if (addr === undefined || !/^\d{1,2}$/.test(lenText)) return undefined;
  const prefix = Number(lenText);
  if (prefix > 32) return undefined;
  if (addr % blockSize(prefix) !== 0) return undefined;
  return { network: addr, prefix };
}

export function formatCidr(c: Ipv4Cidr): string {
  return `${formatIpv4(c.network)}/${c.prefix}`;
}

export function cidrContains(c: Ipv4Cidr, ip: number): boolean {
  return ip >= c.network && ip < c.network + blockSize(c.prefix);
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Ipv4Cidr, outer: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && cidrContains(outer, inner.network);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b.network) || cidrContains(b, a.network);
}

/** The n-th address of the block (0 is the network address). */
export function nthAddress(c: Ipv4Cidr, n: number): number {
  return c.network + n;
}

export function lastAddress(c: Ipv4Cidr): number {
  return c.network + blockSize(c.prefix) - 1;
}

export function addressCount(c: Ipv4Cidr): number {
  return blockSize(c.prefix);
}
