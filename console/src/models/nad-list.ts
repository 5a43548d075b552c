// Pure: what the NetworkAttachmentDefinitions list says about each NAD: its type as the console names it,
// whether a UserDefinedNetwork generated it, and (a diagnostic upstream lacks) whether the Linux bridge it
// names exists on any node according to the NodeNetworkStates.
import { tKey } from './nad-udn-fields.js';

export interface NadLike {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec?: { config?: string };
}

export interface NadConfigSummary {
  /** The CNI plugin type, '' when the config cannot be read. */
  type: string;
  /** English label (translate it), or the raw plugin type when the console has no name for it. */
  label: string;
  /** Whether `label` is an i18n key (false: show as is). */
  translate: boolean;
  bridge?: string;
  vlan?: number;
  topology?: string;
  role?: string;
  subnets?: string;
}

export const UDN_NAD_LABEL = 'k8s.ovn.org/user-defined-network';

function parse(config: string | undefined): Record<string, unknown> | undefined {
  if (!config) return undefined;
  try {
    const c: unknown = JSON.parse(config);
    if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
    const o = c as Record<string, unknown>;
    // a conflist: its first plugin says what it is
    const first = Array.isArray(o['plugins']) ? o['plugins'][0] : undefined;
    return typeof first === 'object' && first !== null ? { ...o, ...(first as Record<string, unknown>) } : o;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function nadConfigSummary(nad: NadLike): NadConfigSummary {
  const c = parse(nad.spec?.config);
  if (!c) return { type: '', label: tKey('Not available'), translate: true };
  const type = str(c['type']) ?? '';
  const out: NadConfigSummary = { type, label: type || tKey('Not available'), translate: type === '' };
  if (type === 'bridge' || type === 'cnv-bridge') {
    out.label = tKey('Linux bridge');
    out.translate = true;
    out.bridge = str(c['bridge']) ?? 'cni0';
    if (typeof c['vlan'] === 'number' && c['vlan'] > 0) out.vlan = c['vlan'];
  } else if (type === 'ovn-k8s-cni-overlay') {
    const topology = str(c['topology']) ?? '';
    out.topology = topology;
    out.translate = true;
    out.label = topology === 'localnet' ? tKey('OVN Kubernetes secondary localnet network')
      : topology === 'layer3' ? tKey('OVN Kubernetes L3 overlay network') : tKey('OVN Kubernetes L2 overlay network');
    const role = str(c['role']);
    if (role) out.role = role;
    const subnets = str(c['subnets']);
    if (subnets) out.subnets = subnets;
  } else if (type === 'sriov') {
    out.label = tKey('SR-IOV');
    out.translate = true;
  }
  return out;
}

/** The UDN or CUDN that generated this NAD (its controlling owner), if any. */
export function udnOwnerOf(nad: NadLike): { kind: 'UserDefinedNetwork' | 'ClusterUserDefinedNetwork'; name: string } | undefined {
  const o = nad.metadata.ownerReferences?.find((r) => r.kind === 'UserDefinedNetwork' || r.kind === 'ClusterUserDefinedNetwork');
  if (o) return { kind: o.kind as 'UserDefinedNetwork' | 'ClusterUserDefinedNetwork', name: o.name };
  return undefined;
}

export function isUdnNad(nad: NadLike): boolean {
  return udnOwnerOf(nad) !== undefined || UDN_NAD_LABEL in (nad.metadata.labels ?? {});
}

export interface NnsLike {
  metadata: { name: string };
  status?: { currentState?: { interfaces?: { name?: unknown; type?: unknown }[] } };
}

export type BridgeCheck =
  | { state: 'not-a-bridge' }
  /** No NodeNetworkState at all: NMState is not installed, nothing to check against. */
  | { state: 'unknown' }
  | { state: 'present'; bridge: string; nodes: string[] }
  | { state: 'missing'; bridge: string; nodeCount: number };

/** Whether a Linux-bridge NAD's bridge is a linux-bridge interface on at least one node. */
export function bridgeCheck(nad: NadLike, states: readonly NnsLike[]): BridgeCheck {
  const s = nadConfigSummary(nad);
  if (s.bridge === undefined) return { state: 'not-a-bridge' };
  if (states.length === 0) return { state: 'unknown' };
  const nodes = states
    .filter((n) => (n.status?.currentState?.interfaces ?? []).some((i) => i.name === s.bridge && i.type === 'linux-bridge'))
    .map((n) => n.metadata.name)
    .sort();
  return nodes.length > 0 ? { state: 'present', bridge: s.bridge, nodes } : { state: 'missing', bridge: s.bridge, nodeCount: states.length };
}
