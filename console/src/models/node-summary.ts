// Pure: what the Nodes list and details show of a Node: status, roles (kubectl's ROLES column), instance
// type, addresses.

export interface NodeLike {
  metadata: { name: string; labels?: Record<string, string> };
  status?: unknown;
}

const ROLE_PREFIX = 'node-role.kubernetes.io/';
export const INSTANCE_TYPE_LABEL = 'node.kubernetes.io/instance-type';

interface Cond { type: string; status: string; reason?: string; message?: string }

function conds(n: NodeLike): Cond[] {
  const c = (n.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? c as Cond[] : [];
}

/** `Ready` or `NotReady` as `kubectl get nodes` prints it (Unknown and False both read NotReady). */
export function nodeStatus(n: NodeLike): 'Ready' | 'NotReady' {
  return conds(n).some((c) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady';
}

/** kubectl's ROLES: every `node-role.kubernetes.io/<role>` label and the legacy `kubernetes.io/role`. */
export function nodeRoles(n: NodeLike): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort();
}

export function instanceType(n: NodeLike): string | undefined {
  return n.metadata.labels?.[INSTANCE_TYPE_LABEL] || n.metadata.labels?.['beta.kubernetes.io/instance-type'] || undefined;
}

export function nodeAddresses(n: NodeLike): { type: string; address: string }[] {
  const a = (n.status as { addresses?: unknown } | undefined)?.addresses;
  return Array.isArray(a) ? a as { type: string; address: string }[] : [];
}

/** The Ready condition's reason and message, for the details page. */
export function readyCondition(n: NodeLike): Cond | undefined {
  return conds(n).find((c) => c.type === 'Ready');
}

/** Name filter of the list page: substring, case-insensitive. */
export function matchesName(name: string, filter: string): boolean {
  return name.toLowerCase().includes(filter.trim().toLowerCase());
}
