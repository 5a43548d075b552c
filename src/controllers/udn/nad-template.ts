// The NetworkAttachmentDefinition a UserDefinedNetwork or ClusterUserDefinedNetwork stands for (ovn-kubernetes
// clustermanager/userdefinednetwork/template/net-attach-def-template.go at the OCP 4.18 level): same name
// as the network, the UDN label and finalizer, the network as controlling owner, and an
// `ovn-k8s-cni-overlay` config. Pure.
import type { KubeObject } from '../../common/object.js';
import { isPlainObject } from '../../common/object.js';
import { UDN_PROTECTION_FINALIZER } from '../../apis/k8s.ovn.org/v1/user-defined-network.js';

export const UDN_NAD_LABEL = 'k8s.ovn.org/user-defined-network';
export const OVN_K8S_CNI_OVERLAY = 'ovn-k8s-cni-overlay';
export const UDN_CNI_VERSION = '1.0.0';
/** types.UserDefinedPrimaryNetworkJoinSubnetV4/V6: written for a primary network that sets none. */
export const DEFAULT_JOIN_SUBNETS = ['100.65.0.0/16', 'fd99::/64'];

export type NetworkKind = 'UserDefinedNetwork' | 'ClusterUserDefinedNetwork';

export interface Layer2Spec {
  role?: string; mtu?: number; subnets?: string[]; joinSubnets?: string[];
  ipam?: { mode?: string; lifecycle?: string };
}
export interface Layer3Spec {
  role?: string; mtu?: number; subnets?: { cidr?: string; hostSubnet?: number }[]; joinSubnets?: string[];
}
export interface NetworkSpec { topology?: string; layer2?: Layer2Spec; layer3?: Layer3Spec }

export function networkKindOf(o: KubeObject): NetworkKind {
  return o.kind === 'ClusterUserDefinedNetwork' ? 'ClusterUserDefinedNetwork' : 'UserDefinedNetwork';
}

/** The topology part: a UDN's `spec`, a CUDN's `spec.network`. */
export function networkSpecOf(o: KubeObject): NetworkSpec {
  const spec = isPlainObject(o['spec']) ? o['spec'] : {};
  const net = networkKindOf(o) === 'ClusterUserDefinedNetwork' ? spec['network'] : spec;
  return (isPlainObject(net) ? net : {}) as NetworkSpec;
}

export function roleOf(spec: NetworkSpec): string | undefined {
  return spec.topology === 'Layer3' ? spec.layer3?.role : spec.topology === 'Layer2' ? spec.layer2?.role : undefined;
}

export const isPrimary = (spec: NetworkSpec): boolean => roleOf(spec) === 'Primary';

/** The CNI network name: `<ns>.<udn>`, or `cluster.udn.<cudn>`. */
export function cniNetworkName(o: KubeObject, namespace: string): string {
  return networkKindOf(o) === 'ClusterUserDefinedNetwork' ? `cluster.udn.${o.metadata.name ?? ''}` : `${namespace}.${o.metadata.name ?? ''}`;
}

function joinSubnets(role: string | undefined, given: string[] | undefined): string | undefined {
  if (role !== 'Primary') return undefined;
  return (given && given.length > 0 ? given : DEFAULT_JOIN_SUBNETS).join(',');
}

/** layer3SubnetsString: `cidr/hostSubnet`, or the bare CIDR when hostSubnet is unset. */
function layer3Subnets(subnets: Layer3Spec['subnets']): string {
  return (subnets ?? []).map((s) => (s.hostSubnet !== undefined && s.hostSubnet > 0 ? `${s.cidr ?? ''}/${s.hostSubnet}` : s.cidr ?? '')).join(',');
}

/**
 * `spec.config`, or the renderer's error. Upstream marshals a Go map, so keys come out sorted and
 * absent values (mtu 0, no subnets, not persistent) are left out.
 */
export function renderNadConfig(networkName: string, nadName: string, spec: NetworkSpec): { config: string } | { error: string } {
  const t = spec.topology;
  if ((t === 'Layer3' && !spec.layer3) || (t === 'Layer2' && !spec.layer2)) {
    return { error: `invalid topology specified: topology ${t} is specified but ${t} config is nil` };
  }
  const conf: Record<string, string | number | boolean> = {
    cniVersion: UDN_CNI_VERSION,
    type: OVN_K8S_CNI_OVERLAY,
    name: networkName,
    netAttachDefName: nadName,
    topology: (t ?? '').toLowerCase(),
  };
  let role: string | undefined;
  let mtu: number | undefined;
  let subnets = '';
  let join: string | undefined;
  let persistent = false;
  if (t === 'Layer3' && spec.layer3) {
    ({ role, mtu } = spec.layer3);
    subnets = layer3Subnets(spec.layer3.subnets);
    join = joinSubnets(role, spec.layer3.joinSubnets);
  } else if (t === 'Layer2' && spec.layer2) {
    ({ role, mtu } = spec.layer2);
    subnets = (spec.layer2.subnets ?? []).join(',');
    join = joinSubnets(role, spec.layer2.joinSubnets);
    persistent = spec.layer2.ipam?.lifecycle === 'Persistent';
  }
  conf['role'] = (role ?? '').toLowerCase();
  if (mtu !== undefined && mtu > 0) conf['mtu'] = mtu;
  if (join) conf['joinSubnets'] = join;
  if (subnets !== '') conf['subnets'] = subnets;
  if (persistent) conf['allowPersistentIPs'] = true;
  const sorted = Object.fromEntries(Object.keys(conf).sort().map((k) => [k, conf[k]]));
  return { config: JSON.stringify(sorted) };
}

/** The NAD for `owner` in `namespace`, or why it cannot be rendered (the SyncError text). */
export function renderNad(owner: KubeObject, namespace: string): { nad: KubeObject } | { error: string } {
  const name = owner.metadata.name ?? '';
  const r = renderNadConfig(cniNetworkName(owner, namespace), `${namespace}/${name}`, networkSpecOf(owner));
  if ('error' in r) return { error: `failed to generate NetworkAttachmentDefinition: ${r.error}` };
  return {
    nad: {
      apiVersion: 'k8s.cni.cncf.io/v1',
      kind: 'NetworkAttachmentDefinition',
      metadata: {
        name,
        namespace,
        labels: { [UDN_NAD_LABEL]: '' },
        finalizers: [UDN_PROTECTION_FINALIZER],
        ownerReferences: [{
          apiVersion: 'k8s.ovn.org/v1', kind: networkKindOf(owner), name, uid: owner.metadata.uid ?? '',
          controller: true, blockOwnerDeletion: true,
        }],
      },
      spec: { config: r.config },
    },
  };
}

/** metav1.IsControlledBy: a controller reference with the owner's uid. */
export function isControlledBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid);
}

export const nadConfigOf = (nad: KubeObject): string | undefined => {
  const c = (nad.spec as { config?: unknown } | undefined)?.config;
  return typeof c === 'string' ? c : undefined;
};
