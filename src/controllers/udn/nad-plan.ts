// What the UDN controllers do with one network's NAD in one namespace, and the SyncError texts they report
// (ovn-kubernetes clustermanager/userdefinednetwork controller_helper.go updateNAD/deleteNAD, nad.go,
// util.InvalidPrimaryNetworkError). Pure: the acting code feeds it cached or freshly listed objects.
import type { KubeObject } from '../../common/object.js';
import { parseNetworkName } from '../../common/kubevirt/vmi-networks.js';
import { PRIMARY_UDN_NAMESPACE_LABEL, UDN_PROTECTION_FINALIZER } from '../../apis/k8s.ovn.org/v1/user-defined-network.js';
import { isControlledBy, isPrimary, nadConfigOf, networkSpecOf, OVN_K8S_CNI_OVERLAY, renderNad } from './nad-template.js';

const q = (s: string): string => JSON.stringify(s); // Go's %q for the names that appear here

export const invalidPrimaryNetworkState = (ns: string): string =>
  `invalid primary network state for namespace ${q(ns)}: a valid primary user defined network or network attachment definition custom resource, and required namespace label ${q(PRIMARY_UDN_NAMESPACE_LABEL)} must both be present`;
export const primaryNetworkAlreadyExists = (ns: string, nad: string): string => `primary network already exist in namespace ${q(ns)}: ${q(nad)}`;
export const foreignNad = (ns: string, name: string): string => `foreign NetworkAttachmentDefinition with the desired name already exist [${ns}/${name}]`;
/** Go's %v of a []string: space-separated in brackets. */
export const networkInUse = (pods: readonly string[]): string => `network in use by the following pods: [${pods.join(' ')}]`;
export const failedToDeleteNad = (ns: string, name: string, why: string): string => `failed to delete NetworkAttachmentDefinition [${ns}/${name}]: ${why}`;

export type NadPlan =
  | { kind: 'create'; nad: KubeObject }
  /** The NAD exists with another config: write `nad` (the existing object with the desired config). */
  | { kind: 'update'; nad: KubeObject }
  | { kind: 'keep'; nad: KubeObject }
  | { kind: 'error'; message: string };

export interface NadPlanInput {
  owner: KubeObject;
  namespace: string;
  /** The target namespace, undefined when it does not exist. */
  namespaceObj: KubeObject | undefined;
  /** The NAD already named like the network in that namespace. */
  existing: KubeObject | undefined;
  /** Every NAD of that namespace (for the one-primary-network rule). */
  nadsInNamespace: readonly KubeObject[];
}

/** The name of a primary OVN network NAD among `nads` (sorted by name, so the answer is stable). */
export function primaryNadIn(nads: readonly KubeObject[]): string | undefined {
  for (const n of [...nads].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''))) {
    let c: unknown;
    try {
      c = JSON.parse(nadConfigOf(n) ?? '');
    } catch {
      continue; // upstream fails the check on a NAD it cannot parse; such NADs are no OVN network either way
    }
    const conf = c as { type?: unknown; role?: unknown } | null;
    if (conf?.type === OVN_K8S_CNI_OVERLAY && conf.role === 'primary') return n.metadata.name ?? '';
  }
  return undefined;
}

/** updateNAD: the namespace label rule, rendering, the one-primary rule, foreign NADs, drift. */
export function planNad(inp: NadPlanInput): NadPlan {
  const { owner, namespace, existing } = inp;
  const primary = isPrimary(networkSpecOf(owner));
  if (primary) {
    if (!inp.namespaceObj) return { kind: 'error', message: `failed to get namespace ${q(namespace)}: namespaces ${q(namespace)} not found` };
    if (!Object.hasOwn(inp.namespaceObj.metadata.labels ?? {}, PRIMARY_UDN_NAMESPACE_LABEL)) return { kind: 'error', message: invalidPrimaryNetworkState(namespace) };
  }
  const desired = renderNad(owner, namespace);
  if ('error' in desired) return { kind: 'error', message: desired.error };
  if (!existing) {
    const other = primary ? primaryNadIn(inp.nadsInNamespace) : undefined;
    if (other !== undefined) return { kind: 'error', message: primaryNetworkAlreadyExists(namespace, other) };
    return { kind: 'create', nad: desired.nad };
  }
  if (!isControlledBy(existing, owner)) return { kind: 'error', message: foreignNad(namespace, existing.metadata.name ?? '') };
  const want = nadConfigOf(desired.nad);
  if (nadConfigOf(existing) === want) return { kind: 'keep', nad: existing };
  return { kind: 'update', nad: { ...existing, spec: { ...(existing.spec as object | undefined), config: want } } };
}

interface VmiLike {
  metadata: { name?: string; namespace?: string };
  spec?: unknown;
  status?: unknown;
}

/**
 * The pods attached to `nad` (upstream reads their `k8s.ovn.org/pod-networks` annotation). virtnet has no
 * launcher pods: a VMI of the NAD's namespace that has not finished stands for its launcher
 * `<ns>/virt-launcher-<vmi>` (without the random suffix a real pod name has). It uses the network when
 * one of its networks is `multus` naming the NAD, or, for a primary network, when it has a `pod` network.
 */
export function nadUsers(nad: KubeObject, primary: boolean, vmis: readonly VmiLike[]): string[] {
  const ns = nad.metadata.namespace ?? '';
  const name = nad.metadata.name ?? '';
  const users: string[] = [];
  for (const v of vmis) {
    if ((v.metadata.namespace ?? '') !== ns) continue;
    const phase = (v.status as { phase?: string } | undefined)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const networks = (v.spec as { networks?: { pod?: unknown; multus?: { networkName?: string } }[] } | undefined)?.networks ?? [];
    const uses = networks.some((n) => {
      if (n.multus) {
        const ref = parseNetworkName(n.multus.networkName ?? '', ns);
        return ref.namespace === ns && ref.name === name;
      }
      return primary && n.pod !== undefined;
    });
    if (uses) users.push(`${ns}/virt-launcher-${v.metadata.name ?? ''}`);
  }
  return users.sort();
}

export type NadRelease =
  | { kind: 'none' }
  | { kind: 'inUse'; message: string }
  /** Remove the finalizer from `nad` and delete it. */
  | { kind: 'release'; nad: KubeObject };

/** deleteNAD: only a NAD this network controls and still protects; refused while something uses it. */
export function planNadRelease(owner: KubeObject, nad: KubeObject | undefined, vmis: readonly VmiLike[]): NadRelease {
  if (!nad || !isControlledBy(nad, owner) || !(nad.metadata.finalizers ?? []).includes(UDN_PROTECTION_FINALIZER)) return { kind: 'none' };
  const users = nadUsers(nad, isPrimary(networkSpecOf(owner)), vmis);
  if (users.length > 0) return { kind: 'inUse', message: failedToDeleteNad(nad.metadata.namespace ?? '', nad.metadata.name ?? '', networkInUse(users)) };
  return { kind: 'release', nad };
}
