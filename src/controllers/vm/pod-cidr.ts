// Node pod CIDRs (kube-controller-manager's node IPAM): each node gets the lowest free /23 of the cluster
// network 10.128.0.0/14 (OpenShift's defaults: clusterNetwork cidr 10.128.0.0/14, hostPrefix 23). Pure.

import { formatIpv4, nthAddress, parseCidr } from '../../common/ipv4.js';

export const CLUSTER_NETWORK = '10.128.0.0/14';
export const HOST_PREFIX = 23;


/** The CIDR of slice `i` of the cluster network, or undefined when the network has no such slice. */
export function sliceCidr(i: number, cluster = CLUSTER_NETWORK, hostPrefix = HOST_PREFIX): string | undefined {
  const c = parseCidr(cluster);
  if (!c) return undefined;
  const count = 2 ** (hostPrefix - c.prefix);
  if (i < 0 || i >= count) return undefined;
  return `${formatIpv4(nthAddress(c, i * 2 ** (32 - hostPrefix)))}/${hostPrefix}`;
}

/** The lowest slice not in `taken` (CIDR strings), or undefined when all are taken. */
export function nextFreeSlice(taken: Iterable<string>, cluster = CLUSTER_NETWORK, hostPrefix = HOST_PREFIX): string | undefined {
  const used = new Set(taken);
  for (let i = 0; ; i++) {
    const c = sliceCidr(i, cluster, hostPrefix);
    if (c === undefined) return undefined;
    if (!used.has(c)) return c;
  }
}
