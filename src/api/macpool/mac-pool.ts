// The MAC pool itself: who holds which MAC, and kubemacpool's allocation for one VM
// (KMP pkg/pool-manager/{pool,virtualmachine_pool}.go, 4.18-era). Pure and synchronous: an allocation
// reads and updates the holders in one step, so two requests can never be handed the same MAC.
import type { KubeObject } from '../../common/object.js';
import { formatMac, macToNumber } from '../../common/mac-address.js';
import { rangeSize, type MacRange } from './mac-range.js';
import { managedInterfaces, vmInterfaces } from './vm-interfaces.js';

/** kubemacpool's error words; the webhook wraps them (see macpool-admission.ts). */
export const REQUESTED_MAC_TAKEN = 'failed to allocate requested mac address';
export const RANGE_FULL = 'the range is full';

export class MacAllocationError extends Error {
  /** The interface field the error is about, e.g. `spec.template.spec.domain.devices.interfaces[1].macAddress`. */
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

export class MacPool {
  /** MAC → its holders (owner keys, once per hold: a stored VM and its in-flight update may both hold). */
  private readonly holders = new Map<number, string[]>();
  /** Distinct held MACs inside the range: with `never`, what tells a full range without scanning it. */
  private heldInRange = 0;
  private readonly neverInRange: number;
  /** Where the next search starts: one past the last MAC handed out, as kubemacpool's currentMac. */
  private cursor: number;

  constructor(readonly range: MacRange, private readonly never: ReadonlySet<number> = new Set()) {
    this.cursor = range.start;
    this.neverInRange = [...never].filter((n) => this.inRange(n)).length;
  }

  private inRange(n: number): boolean {
    return n >= this.range.start && n <= this.range.end;
  }

  hold(owner: string, macs: Iterable<number>): void {
    for (const mac of macs) {
      const list = this.holders.get(mac);
      if (list) list.push(owner);
      else {
        this.holders.set(mac, [owner]);
        if (this.inRange(mac) && !this.never.has(mac)) this.heldInRange++;
      }
    }
  }

  release(owner: string, macs: Iterable<number>): void {
    for (const mac of macs) {
      const list = this.holders.get(mac);
      const at = list ? list.indexOf(owner) : -1;
      if (!list || at < 0) continue;
      list.splice(at, 1);
      if (list.length === 0) {
        this.holders.delete(mac);
        if (this.inRange(mac) && !this.never.has(mac)) this.heldInRange--;
      }
    }
  }

  holdersOf(mac: number): readonly string[] {
    return this.holders.get(mac) ?? [];
  }

  /** How many MACs are held in total (each once). */
  get size(): number {
    return this.holders.size;
  }

  /**
   * The first MAC from the cursor on (wrapping once) that nobody holds and `skip` does not contain, or
   * undefined when the range is full. `advance` moves the cursor past it, so a MAC just released is not
   * handed out again at once (DHCP leases and ARP caches still remember it).
   */
  nextFree(skip: ReadonlySet<number>, advance: boolean): number | undefined {
    let skipped = 0;
    for (const n of skip) if (this.inRange(n) && !this.holders.has(n) && !this.never.has(n)) skipped++;
    if (this.heldInRange + this.neverInRange + skipped >= rangeSize(this.range)) return undefined;
    let n = this.cursor;
    while (this.holders.has(n) || skip.has(n) || this.never.has(n)) n = n === this.range.end ? this.range.start : n + 1;
    if (advance) this.cursor = n === this.range.end ? this.range.start : n + 1;
    return n;
  }
}

export interface VmAllocationRequest {
  vm: KubeObject;
  /** The stored VM on update. */
  old: KubeObject | undefined;
  /** This VM's owner key in the pool. */
  owner: string;
  /** Whether a holder's claim counts against a request (holders in opted-out namespaces do not). */
  counts: (holder: string) => boolean;
  /** Dry run: decide, but leave the cursor where it is. */
  dryRun: boolean;
}

/**
 * Gives every managed interface without a MAC one from the pool (on update, the MAC its namesake had),
 * checks requested MACs against other holders, and returns the MACs the VM will hold. Writes into `vm`;
 * throws MacAllocationError. The pool's holders are not changed: the caller holds the result.
 */
export function allocateVmMacs(pool: MacPool, req: VmAllocationRequest): number[] {
  const before = new Map<string, string>();
  for (const i of req.old ? vmInterfaces(req.old) : []) {
    if (typeof i['name'] === 'string' && typeof i['macAddress'] === 'string') before.set(i['name'], i['macAddress']);
  }
  const taken = new Set<number>();
  for (const iface of managedInterfaces(req.vm)) {
    const field = `spec.template.spec.domain.devices.interfaces[${iface.index}].macAddress`;
    const previous = before.get(iface.name);
    if (iface.macAddress === '' && previous) {
      // kubemacpool gives an interface back the MAC it had, so an update that drops macAddress keeps it.
      iface.spec['macAddress'] = previous;
      const n = macToNumber(previous);
      if (n !== undefined) taken.add(n);
      continue;
    }
    if (iface.macAddress === '') {
      const n = pool.nextFree(taken, !req.dryRun);
      if (n === undefined) throw new MacAllocationError(RANGE_FULL, field);
      iface.spec['macAddress'] = formatMac(n);
      taken.add(n);
      continue;
    }
    const n = macToNumber(iface.macAddress);
    // Malformed: virt-api's validation, which runs next, says what is wrong with it.
    if (n === undefined) continue;
    const unchanged = previous !== undefined && macToNumber(previous) === n;
    if (taken.has(n) || (!unchanged && pool.holdersOf(n).some((h) => h !== req.owner && req.counts(h)))) {
      throw new MacAllocationError(REQUESTED_MAC_TAKEN, field);
    }
    taken.add(n);
  }
  return [...taken];
}
