// IPAMClaims as kubevirt-ipam-controller shapes them (kubevirt/ipam-extensions
// pkg/vminetworkscontroller/vmi_controller.go), and what becomes of a claim when its VM or VMI goes. Pure.
//
// One claim per VMI interface on an overlay network with central IPAM, named `<vm>.<network>` (the VMI
// network name), labelled `kubevirt.io/vm=<vm>`, held by the finalizer `kubevirt.io/persistent-ipam`.
// With `allowPersistentIPs` the VM owns it, so restarts and migrations (new VMIs of the same VM) find it
// again; it is released when the VM is gone and no VMI of it is left. Without it (or for a VMI without a
// VM) the VMI owns it and it goes with the VMI. `status.ips` is the allocation: the single source of truth.
import type { KubeObject, OwnerReference } from '../../common/object.js';
import type { UdnAttachment } from '../../common/kubevirt/udn-attachments.js';

export const IPAM_FINALIZER = 'kubevirt.io/persistent-ipam';
export const VM_LABEL = 'kubevirt.io/vm';
/** The condition on the claim and on the VMI that says whether the addresses are allocated. */
export const IPS_ALLOCATED = 'IPsAllocated';

export interface ClaimCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface ClaimStatus {
  ips: string[];
  ownerPod: { name: string };
  conditions?: ClaimCondition[];
}

export interface ClaimSpec {
  network: string;
  interface: string;
}

export const claimName = (owner: string, network: string): string => `${owner}.${network}`;

/** KubeVirt's launcher pod for a VMI (the real one has a random suffix; virtnet runs no pods). */
export const launcherPodName = (vmiName: string): string => `virt-launcher-${vmiName}`;

export function vmOwnerOf(o: KubeObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.kind === 'VirtualMachine' && r.controller === true);
}

/** The VM (persistent network, VMI started by a VM) or else the VMI itself. */
export function claimOwnerFor(vmi: KubeObject, persistent: boolean): OwnerReference {
  const vm = vmOwnerOf(vmi);
  if (persistent && vm) return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachine', name: vm.name, uid: vm.uid, controller: true, blockOwnerDeletion: true };
  return { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', name: vmi.metadata.name ?? '', uid: vmi.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The claim's VM or VMI owner reference, if it has one (claims without one are not this controller's). */
export function claimOwnerOf(claim: KubeObject): OwnerReference | undefined {
  return claim.metadata.ownerReferences?.find((r) => r.kind === 'VirtualMachine' || r.kind === 'VirtualMachineInstance');
}

export function desiredClaim(namespace: string, att: UdnAttachment, owner: OwnerReference): KubeObject {
  return {
    apiVersion: 'k8s.cni.cncf.io/v1alpha1', kind: 'IPAMClaim',
    metadata: {
      name: claimName(owner.name, att.network), namespace,
      labels: { [VM_LABEL]: owner.name },
      finalizers: [IPAM_FINALIZER],
      ownerReferences: [owner],
    },
    spec: { network: att.config.name, interface: att.interface } satisfies ClaimSpec,
  };
}

export const claimSpecOf = (claim: KubeObject): Partial<ClaimSpec> => (claim.spec ?? {}) as Partial<ClaimSpec>;
export const claimStatusOf = (claim: KubeObject): Partial<ClaimStatus> => (claim.status ?? {}) as Partial<ClaimStatus>;
export const claimIps = (claim: KubeObject): string[] => claimStatusOf(claim).ips ?? [];

/** A metav1.Condition list with `type` replaced; the transition time is kept while the status stays. */
export function withCondition(old: readonly ClaimCondition[] | undefined, c: Omit<ClaimCondition, 'lastTransitionTime'>, now: string): ClaimCondition[] {
  const prev = old?.find((o) => o.type === c.type);
  const next: ClaimCondition = { ...c, lastTransitionTime: prev && prev.status === c.status ? prev.lastTransitionTime : now };
  return [...(old ?? []).filter((o) => o.type !== c.type), next];
}

export function sameCondition(a: Pick<ClaimCondition, 'status' | 'reason' | 'message'> | undefined, b: Pick<ClaimCondition, 'status' | 'reason' | 'message'>): boolean {
  return a !== undefined && a.status === b.status && a.reason === b.reason && a.message === b.message;
}

export function allocatedCondition(ips: readonly string[], network: string): Omit<ClaimCondition, 'lastTransitionTime'> {
  return { type: IPS_ALLOCATED, status: 'True', reason: 'IPsAllocated', message: `${ips.join(', ')} allocated on network ${network}` };
}

/** The message a user reads on the VMI and on the claim when a subnet has no free address left. */
export function rangeFullMessage(network: string, subnet: string, allocatorError: string): string {
  return `no free address in ${subnet} on network ${network}: ${allocatorError}`;
}

/** Whether the VMI that uses the claim still exists: the owner VMI itself, or a VMI of the owner VM. */
export function claimInUse(claim: KubeObject, vmi: KubeObject | undefined): boolean {
  const owner = claimOwnerOf(claim);
  if (!owner || !vmi) return false;
  if (owner.kind === 'VirtualMachineInstance') return vmi.metadata.uid === owner.uid;
  return vmOwnerOf(vmi)?.uid === owner.uid;
}

export type ClaimFate =
  /** Leave it. */
  | 'keep'
  /** Its owner and every VMI using it are gone: remove the finalizer and delete it; its addresses are free. */
  | 'release';

/**
 * `ownerExists`: the owner (VM or VMI, by uid) still exists; `inUse`: a VMI still uses the addresses (a
 * deleted VM's VMI may run on until its node stops it, so the address stays taken until then).
 */
export function claimFate(claim: KubeObject, w: { ownerExists: boolean; inUse: boolean }): ClaimFate {
  if (!claimOwnerOf(claim)) return 'keep';
  if (w.inUse) return 'keep';
  if (claim.metadata.deletionTimestamp || !w.ownerExists) return 'release';
  return 'keep';
}
