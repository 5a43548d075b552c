// Node pod CIDRs (kube-controller-manager's node IPAM): each node gets the lowest free /23 of the cluster
// network 10.128.0.0/14 (OpenShift's defaults: clusterNetwork cidr 10.128.0.0/14, hostPrefix 23). Pure.

export const CLUSTER_NETWORK = '10.128.0.0/14';
export const HOST_PREFIX = 23;

function toInt(ip: string): number {
  return ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
}
function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** The CIDR of slice `i` of the cluster network, or undefined when the network has no such slice. */
export function sliceCidr(i: number, cluster = CLUSTER_NETWORK, hostPrefix = HOST_PREFIX): string | undefined {
  const [base, len] = cluster.split('/') as [string, string];
  const count = 2 ** (hostPrefix - Number(len));
  if (i < 0 || i >= count) return undefined;
  return `${toIp(toInt(base) + i * 2 ** (32 - hostPrefix))}/${hostPrefix}`;
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
