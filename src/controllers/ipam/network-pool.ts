// The address space of one network (one CNI network name: `<ns>.<udn>`, or `cluster.udn.<cudn>` for all
// the NADs of a ClusterUserDefinedNetwork): its subnets (one per IP family) and who holds which address.
// Pure and synchronous: a pick and its reservation happen in one step, so concurrent reconciles of one
// controller can never pick the same address; the controller commits a pick to an IPAMClaim before
// anything uses it, and rebuilds this from the claims after a restart.
import { addressOf, formatIp, parseCidr, type IpAddress } from './ip-address.js';
import { SubnetRange } from './subnet-range.js';

export type AllocateResult =
  | { ips: string[] }
  /** `range` is the subnet that has no free address left. */
  | { full: string }
  | { error: string };

/**
 * The allocator's exhaustion error, worded like OVN-Kubernetes (go-controller/pkg/allocator/ip/allocator.go
 * `ErrFull = errors.New("range is full")`, wrapped with what was being allocated), which is what a user
 * searching for the upstream message finds.
 */
export function rangeFullError(owner: string): string {
  return `failed to allocate IP for ${owner}: range is full`;
}

export class NetworkPool {
  private ranges: SubnetRange[] = [];
  private subnetsKey = '';
  /** holder → the addresses it holds, as `ip/prefix` (what claims carry). */
  private readonly held = new Map<string, string[]>();
  /** canonical address → holder. */
  private readonly owners = new Map<string, string>();

  constructor(readonly network: string) {}

  /**
   * The subnets addresses are picked from, and the ranges inside them that are never handed out
   * (`excludeSubnets` of a localnet network); errors name CIDRs that do not parse.
   */
  setSubnets(cidrs: readonly string[], exclude: readonly string[] = []): string[] {
    const key = `${cidrs.join(',')}|${exclude.join(',')}`;
    if (key === this.subnetsKey) return [];
    const errors: string[] = [];
    const ranges: SubnetRange[] = [];
    for (const c of cidrs) {
      const p = parseCidr(c);
      if (!p) errors.push(`invalid subnet ${JSON.stringify(c)}`);
      else ranges.push(new SubnetRange(p));
    }
    for (const c of exclude) {
      const p = parseCidr(c);
      if (!p) errors.push(`invalid excluded subnet ${JSON.stringify(c)}`);
      else for (const r of ranges) r.exclude(p);
    }
    this.ranges = ranges;
    this.subnetsKey = key;
    for (const addr of this.owners.keys()) this.mark(addressOf(addr)!);
    return errors;
  }

  subnets(): string[] {
    return this.ranges.map((r) => r.text);
  }

  private rangeOf(ip: IpAddress): SubnetRange | undefined {
    return this.ranges.find((r) => r.contains(ip));
  }

  private mark(ip: IpAddress): void {
    this.rangeOf(ip)?.reserve(ip);
  }

  /**
   * Records addresses a holder already has (from its claim). Returns the addresses another holder
   * already had: a duplicate that exists in the API, which this pool cannot undo but must report.
   */
  hold(holder: string, ips: readonly string[]): string[] {
    const dup: string[] = [];
    const mine = this.held.get(holder) ?? [];
    for (const s of ips) {
      const ip = addressOf(s);
      if (!ip) continue;
      const key = formatIp(ip.family, ip.value);
      const owner = this.owners.get(key);
      if (owner === holder) continue;
      if (owner !== undefined) {
        dup.push(s);
        continue;
      }
      this.owners.set(key, holder);
      mine.push(s);
      this.mark(ip);
    }
    if (mine.length > 0) this.held.set(holder, mine);
    return dup;
  }

  heldBy(holder: string): string[] | undefined {
    return this.held.get(holder);
  }

  ownerOf(ipOrCidr: string): string | undefined {
    const ip = addressOf(ipOrCidr);
    return ip ? this.owners.get(formatIp(ip.family, ip.value)) : undefined;
  }

  /**
   * One address from each subnet for the holder (what it already holds, if anything), reserved at once.
   * When a subnet is full nothing is kept and the result names that subnet.
   */
  allocate(holder: string): AllocateResult {
    const have = this.held.get(holder);
    if (have) return { ips: [...have] };
    if (this.ranges.length === 0) return { error: `network ${this.network} has no subnets to allocate from` };
    const picked: { range: SubnetRange; ip: IpAddress }[] = [];
    for (const range of this.ranges) {
      const ip = range.next();
      if (!ip) {
        for (const p of picked) p.range.release(p.ip);
        return { full: range.text };
      }
      picked.push({ range, ip });
    }
    const ips = picked.map((p) => p.range.withPrefix(p.ip));
    for (const p of picked) this.owners.set(formatIp(p.ip.family, p.ip.value), holder);
    this.held.set(holder, ips);
    return { ips };
  }

  /** Frees what the holder has; returns the freed addresses. */
  release(holder: string): string[] {
    const ips = this.held.get(holder);
    if (!ips) return [];
    this.held.delete(holder);
    for (const s of ips) {
      const ip = addressOf(s)!;
      const key = formatIp(ip.family, ip.value);
      if (this.owners.get(key) !== holder) continue;
      this.owners.delete(key);
      this.rangeOf(ip)?.release(ip);
    }
    return ips;
  }

  /** Free addresses per subnet (for messages and tests). */
  free(): { subnet: string; free: number }[] {
    return this.ranges.map((r) => ({ subnet: r.text, free: r.free }));
  }

  get holders(): number {
    return this.held.size;
  }
}
