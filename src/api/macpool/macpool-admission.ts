// kubemacpool's mutating webhook on VirtualMachines, run inside the server. The MACs in use are derived
// from the stored VMs (an index fed by a store list + watch, so thousands of VMs cost one map lookup per
// MAC) plus what requests in flight were handed: a hold lasts until the write fails, or until the watch
// has delivered the write (then the index holds the MAC). Deleting a VM releases its MACs with it.
import type { KubeObject } from '../../common/object.js';
import { deepEqual } from '../../common/object.js';
import { macToNumber } from '../../common/mac-address.js';
import type { Store, StoreEvent, Watch } from '../storage/store.js';
import { collectionPrefix } from '../request-info.js';
import { webhookDenied, type AdmissionHold, type MutatingAdmission, type MutatingRequest } from '../admission.js';
import { RESERVED_MASQUERADE_MAC } from '../../apis/kubevirt.io/v1/network-admission.js';
import { MacAllocationError, MacPool, allocateVmMacs } from './mac-pool.js';
import type { MacRange } from './mac-range.js';
import { heldMacs, vmInterfaces } from './vm-interfaces.js';

export const MACPOOL_WEBHOOK = 'mutatevirtualmachines.kubemacpool.io';
/** A namespace with this label set to `ignore` opts out: its VMs are neither given nor checked for MACs. */
export const OPT_OUT_LABEL = 'mutatevirtualmachines.kubemacpool.io';

const VM_PREFIX = collectionPrefix('kubevirt.io', 'virtualmachines', undefined);
const NS_PREFIX = collectionPrefix('', 'namespaces', undefined);

const ownerOf = (vm: KubeObject): string => `${vm.metadata.namespace ?? ''}/${vm.metadata.name ?? ''}`;
const namespaceOf = (owner: string): string => owner.slice(0, owner.indexOf('/'));

export class MacPoolAdmission implements MutatingAdmission {
  readonly pool: MacPool;
  /** Stored VMs: owner → the MACs its stored spec holds. */
  private readonly stored = new Map<string, number[]>();
  private readonly optedOut = new Set<string>();
  /** The last revision the VM watch delivered. */
  private seenRv = 0;
  /** Holds of writes that committed but whose watch event has not arrived yet. */
  private awaiting: Array<{ rv: number; release: () => void }> = [];
  private readonly watches: Watch[] = [];

  private constructor(range: MacRange) {
    const reserved = macToNumber(RESERVED_MASQUERADE_MAC);
    // KubeVirt refuses the in-pod bridge's MAC on masquerade interfaces: never hand it out.
    this.pool = new MacPool(range, new Set(reserved === undefined ? [] : [reserved]));
  }

  /** Loads the stored VMs and namespaces and follows their changes; resolves once the index is complete. */
  static async start(store: Store, range: MacRange): Promise<MacPoolAdmission> {
    const a = new MacPoolAdmission(range);
    const nss = await store.list(NS_PREFIX);
    for (const s of nss.items) a.observeNamespace(s.object, false);
    a.watches.push(await store.watch(NS_PREFIX, nss.rv, {
      onEvent: (ev) => a.observeNamespace(ev.object, ev.type === 'DELETED'),
      onError: () => undefined,
    }));
    const vms = await store.list(VM_PREFIX);
    for (const s of vms.items) a.observeVm(s.object, false);
    a.seenRv = vms.rv;
    a.watches.push(await store.watch(VM_PREFIX, vms.rv, { onEvent: (ev) => a.onVmEvent(ev), onError: () => undefined }));
    return a;
  }

  stop(): void {
    for (const w of this.watches) w.stop();
    this.watches.length = 0;
  }

  /** Whether the namespace opted out of MAC allocation. */
  isOptedOut(namespace: string): boolean {
    return this.optedOut.has(namespace);
  }

  admit(req: MutatingRequest): AdmissionHold | undefined {
    if (req.def.group !== 'kubevirt.io' || req.def.kind !== 'VirtualMachine') return undefined;
    const vm = req.obj;
    const namespace = vm.metadata.namespace ?? '';
    if (this.optedOut.has(namespace)) return undefined;
    // kubemacpool leaves a VM alone while it is being deleted, and on update when its interfaces did not change.
    if (vm.metadata.deletionTimestamp) return undefined;
    if (req.old && deepEqual(vmInterfaces(req.old), vmInterfaces(vm))) return undefined;
    const owner = ownerOf(vm);
    let macs: number[];
    try {
      macs = allocateVmMacs(this.pool, {
        vm, old: req.old, owner, dryRun: req.dryRun, counts: (h) => !this.optedOut.has(namespaceOf(h)),
      });
    } catch (e) {
      if (!(e instanceof MacAllocationError)) throw e;
      const message = req.old
        ? `Failed to update virtual machine allocation error: ${e.message}`
        : `Failed to create virtual machine allocation error: Failed to allocate mac to the vm object: ${e.message}`;
      throw webhookDenied(MACPOOL_WEBHOOK, [{ reason: 'FieldValueInvalid', field: e.field, message }]);
    }
    if (req.dryRun || macs.length === 0) return undefined;
    this.pool.hold(owner, macs);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.pool.release(owner, macs);
    };
    return {
      settle: (rv) => {
        if (rv === undefined || rv <= this.seenRv) release();
        else this.awaiting.push({ rv, release });
      },
    };
  }

  private onVmEvent(ev: StoreEvent): void {
    this.observeVm(ev.object, ev.type === 'DELETED');
    this.seenRv = ev.rv;
    if (this.awaiting.length === 0) return;
    const due = this.awaiting.filter((w) => w.rv <= ev.rv);
    this.awaiting = this.awaiting.filter((w) => w.rv > ev.rv);
    for (const w of due) w.release();
  }

  private observeVm(vm: KubeObject, deleted: boolean): void {
    const owner = ownerOf(vm);
    const prev = this.stored.get(owner);
    if (prev) this.pool.release(owner, prev);
    if (deleted) {
      this.stored.delete(owner);
      return;
    }
    const macs = heldMacs(vm);
    this.stored.set(owner, macs);
    this.pool.hold(owner, macs);
  }

  private observeNamespace(ns: KubeObject, deleted: boolean): void {
    const name = ns.metadata.name ?? '';
    if (!deleted && ns.metadata.labels?.[OPT_OUT_LABEL] === 'ignore') this.optedOut.add(name);
    else this.optedOut.delete(name);
  }
}
