// The allocatable addresses of one subnet: a bitmap and a round-robin cursor (ovn-kubernetes
// go-controller/pkg/allocator/ip/subnet/allocator.go uses a round-robin bitmap too, so a freed address is
// handed out again only after the rest of the range: stale ARP/DHCP state elsewhere has time to expire).
// Pure.
//
// Excluded, as OVN-Kubernetes does on a layer2 UDN: the network address, the gateway (first host, .1)
// and the management port (second host, .2), so the first address handed out is .3; and for IPv4 the
// broadcast address. IPv6 ranges are capped at 65536 addresses, as OVN-Kubernetes' allocator/ip does
// (a bitmap per subnet); IPv4 ranges at 2^24 (a /8: 2 MiB of bitmap).
import { cidrContains, cidrSize, cidrString, formatIp, type Cidr, type IpAddress } from './ip-address.js';

/** Offsets from the network address that are never handed out: network, gateway, management port. */
export const RESERVED_LEADING = 3;

const MAX_V4 = 1 << 24;
const MAX_V6 = 1 << 16;

export class SubnetRange {
  /** First and last allocatable offsets (inclusive); last < first when nothing is allocatable. */
  readonly first: number;
  readonly last: number;
  private readonly bits: Uint8Array;
  /** Excluded offsets (allocated on the first exclusion): taken for good, even when a holder releases one. */
  private blocked: Uint8Array | undefined;
  private cursor: number;
  private used = 0;

  constructor(readonly cidr: Cidr) {
    const size = cidrSize(cidr);
    const span = Number(size > BigInt(MAX_V4) ? BigInt(MAX_V4) : size);
    const cap = cidr.family === 6 ? Math.min(span, MAX_V6) : span;
    this.first = RESERVED_LEADING;
    // IPv4's last address is the broadcast address; IPv6 has none.
    this.last = cidr.family === 4 && cap === span ? cap - 2 : cap - 1;
    this.bits = new Uint8Array(Math.max(0, Math.ceil((this.last + 1) / 8)));
    this.cursor = this.first;
  }

  get text(): string {
    return cidrString(this.cidr);
  }

  /** Allocatable addresses in all. */
  get capacity(): number {
    return Math.max(0, this.last - this.first + 1);
  }

  get free(): number {
    return this.capacity - this.used;
  }

  contains(ip: IpAddress): boolean {
    return cidrContains(this.cidr, ip);
  }

  /** The offset of an address when it is one this range may hand out, else undefined. */
  private offsetOf(ip: IpAddress): number | undefined {
    if (!this.contains(ip)) return undefined;
    const off = ip.value - this.cidr.base;
    if (off < BigInt(this.first) || off > BigInt(this.last)) return undefined;
    return Number(off);
  }

  private isSet(off: number): boolean {
    return (this.bits[off >> 3]! & (1 << (off & 7))) !== 0;
  }

  private set(off: number): void {
    this.bits[off >> 3]! |= 1 << (off & 7);
    this.used++;
  }

  isUsed(ip: IpAddress): boolean {
    const off = this.offsetOf(ip);
    return off !== undefined && this.isSet(off);
  }

  /** Marks an address as taken; false when it is outside the allocatable window or already taken. */
  reserve(ip: IpAddress): boolean {
    const off = this.offsetOf(ip);
    if (off === undefined || this.isSet(off)) return false;
    this.set(off);
    return true;
  }

  /** Takes every allocatable address inside `c` out of the range for good. */
  exclude(c: Cidr): void {
    if (c.family !== this.cidr.family) return;
    const lo = c.base > this.cidr.base ? c.base - this.cidr.base : 0n;
    const hi = c.base + cidrSize(c) - 1n - this.cidr.base;
    const from = Math.max(this.first, Number(lo > BigInt(this.last) ? BigInt(this.last) + 1n : lo));
    const to = hi < 0n ? -1 : Math.min(this.last, Number(hi > BigInt(this.last) ? BigInt(this.last) : hi));
    this.blocked ??= new Uint8Array(this.bits.length);
    for (let off = from; off <= to; off++) {
      this.blocked[off >> 3]! |= 1 << (off & 7);
      if (!this.isSet(off)) this.set(off);
    }
  }

  release(ip: IpAddress): void {
    const off = this.offsetOf(ip);
    if (off === undefined || !this.isSet(off)) return;
    if (this.blocked && (this.blocked[off >> 3]! & (1 << (off & 7))) !== 0) return;
    this.bits[off >> 3]! &= ~(1 << (off & 7));
    this.used--;
  }

  /**
   * Takes the next free address at or after the cursor, wrapping once; undefined when the range is full.
   * Full bytes are skipped eight offsets at a time, so filling a range is linear in its size overall.
   */
  next(): IpAddress | undefined {
    if (this.free <= 0) return undefined;
    const found = this.scan(this.cursor, this.last) ?? this.scan(this.first, this.cursor - 1);
    if (found === undefined) return undefined;
    this.set(found);
    this.cursor = found + 1 > this.last ? this.first : found + 1;
    return { family: this.cidr.family, value: this.cidr.base + BigInt(found) };
  }

  private scan(from: number, to: number): number | undefined {
    let off = from;
    while (off <= to) {
      if ((off & 7) === 0 && this.bits[off >> 3] === 0xff) {
        off += 8;
        continue;
      }
      if (!this.isSet(off)) return off;
      off++;
    }
    return undefined;
  }

  /** `192.168.254.3/24`: an address with this subnet's prefix, as IPAMClaim `status.ips` carries it. */
  withPrefix(ip: IpAddress): string {
    return `${formatIp(ip.family, ip.value)}/${this.cidr.prefix}`;
  }
}
