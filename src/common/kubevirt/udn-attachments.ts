// Which interfaces of a VMI attach to an OVN-Kubernetes overlay network (a User Defined Network), and
// that network's CNI config as the UDN controller renders it into the NAD's `spec.config`
// (ovn-kubernetes go-controller/pkg/clustermanager/userdefinednetwork/template/net-attach-def-template.go):
//
//   {"cniVersion":"1.0.0","type":"ovn-k8s-cni-overlay","name":"ns.primary-udn","netAttachDefName":"ns/primary-udn",
//    "topology":"layer2","role":"primary","subnets":"192.168.254.0/24","mtu":1400,
//    "joinSubnets":"100.65.0.0/16,fd99::/64","allowPersistentIPs":true}
//
// A primary UDN is the pod network of its namespace: a VMI interface with `binding: {name: l2bridge}` on
// the `pod: {}` network attaches to it (KubeVirt's primary-UDN binding; OpenShift docs
// virt-attaching-vm-to-primary-udn). A secondary overlay network is named by a `multus` network. All NADs
// with one config `name` (a CUDN's `cluster.udn.<cudn>` in several namespaces) are one network with one
// address space. Pure; used by the IPAM controller and the node agent.
import { vmiNics, type VmiSpecLike } from './vmi-networks.js';

/** The label the UDN controller puts on the NADs it renders. */
export const UDN_NAD_LABEL = 'k8s.ovn.org/user-defined-network';
export const OVN_OVERLAY_TYPE = 'ovn-k8s-cni-overlay';
/** The binding plugin HCO registers for primary UDNs. */
export const PRIMARY_UDN_BINDING = 'l2bridge';

export type OvnTopology = 'layer2' | 'layer3' | 'localnet';
export type OvnRole = 'primary' | 'secondary';

export interface OvnNetConfig {
  /** The CNI network name: `<ns>.<udn>`, or `cluster.udn.<cudn>`; one address space per name. */
  name: string;
  netAttachDefName: string;
  topology: OvnTopology;
  role: OvnRole;
  /** `subnets` split on commas (layer3 entries keep their `/hostSubnet` suffix). */
  subnets: string[];
  excludeSubnets: string[];
  joinSubnets: string[];
  mtu?: number;
  allowPersistentIPs: boolean;
}

const list = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : []);

/**
 * The OVN overlay config of a NAD's `spec.config`; undefined when it is not one (another plugin, or not
 * JSON: such NADs are someone else's business), `{error}` when it is one but unusable.
 */
export function parseOvnNetConfig(config: string | undefined): OvnNetConfig | { error: string } | undefined {
  if (config === undefined) return undefined;
  let c: unknown;
  try {
    c = JSON.parse(config);
  } catch {
    return undefined;
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return undefined;
  const o = c as Record<string, unknown>;
  if (o['type'] !== OVN_OVERLAY_TYPE) return undefined;
  const name = o['name'];
  if (typeof name !== 'string' || name === '') return { error: 'ovn-k8s-cni-overlay config has no "name"' };
  const topology = typeof o['topology'] === 'string' ? o['topology'].toLowerCase() : '';
  if (topology !== 'layer2' && topology !== 'layer3' && topology !== 'localnet') {
    return { error: `network ${name}: unsupported topology ${JSON.stringify(o['topology'])}` };
  }
  // Multi-homing NADs written by hand carry no role: they are secondary networks.
  const role = o['role'] === undefined ? 'secondary' : typeof o['role'] === 'string' ? o['role'].toLowerCase() : '';
  if (role !== 'primary' && role !== 'secondary') return { error: `network ${name}: unsupported role ${JSON.stringify(o['role'])}` };
  const out: OvnNetConfig = {
    name,
    netAttachDefName: typeof o['netAttachDefName'] === 'string' ? o['netAttachDefName'] : '',
    topology, role,
    subnets: list(o['subnets']),
    excludeSubnets: list(o['excludeSubnets']),
    joinSubnets: list(o['joinSubnets']),
    allowPersistentIPs: o['allowPersistentIPs'] === true,
  };
  if (typeof o['mtu'] === 'number' && o['mtu'] > 0) out.mtu = o['mtu'];
  return out;
}

/**
 * Whether addresses on this network come from a central allocator (and so from IPAMClaims): a layer2 or
 * localnet network with subnets. Layer3 networks split their subnets per node (node-local IPAM);
 * `ipam.mode: Disabled` leaves the subnets empty.
 */
export function hasCentralIpam(c: OvnNetConfig): boolean {
  return c.topology !== 'layer3' && c.subnets.length > 0;
}

export interface NadLike {
  metadata: { namespace?: string; name?: string; labels?: Record<string, string> };
  spec?: unknown;
}

export interface UdnNad {
  namespace: string;
  name: string;
  config: OvnNetConfig;
}

/** The overlay NADs of the cluster, indexed the way attachments are resolved. */
export interface UdnNadIndex {
  /** Namespace → its primary network's NAD (a labelled NAD with role primary). */
  primary: Map<string, UdnNad>;
  /** `ns/name` → an overlay NAD (any role). */
  byKey: Map<string, UdnNad>;
  /** NADs that could not be used, with why (bad config, a second primary network in a namespace). */
  problems: { namespace: string; name: string; message: string }[];
}

export function indexUdnNads(nads: readonly NadLike[]): UdnNadIndex {
  const idx: UdnNadIndex = { primary: new Map(), byKey: new Map(), problems: [] };
  // Sorted, so that which of two primary NADs wins does not depend on list order.
  const sorted = [...nads].sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`));
  for (const n of sorted) {
    const namespace = n.metadata.namespace ?? '';
    const name = n.metadata.name ?? '';
    const config = (n.spec as { config?: unknown } | undefined)?.config;
    const parsed = parseOvnNetConfig(typeof config === 'string' ? config : undefined);
    if (!parsed) continue;
    if ('error' in parsed) {
      idx.problems.push({ namespace, name, message: parsed.error });
      continue;
    }
    const nad: UdnNad = { namespace, name, config: parsed };
    idx.byKey.set(`${namespace}/${name}`, nad);
    if (parsed.role !== 'primary' || n.metadata.labels?.[UDN_NAD_LABEL] === undefined) continue;
    const prev = idx.primary.get(namespace);
    if (prev) {
      // ovn-kubernetes refuses a second primary network with this message.
      idx.problems.push({ namespace, name, message: `primary network already exist in namespace "${namespace}": "${prev.name}"` });
      continue;
    }
    idx.primary.set(namespace, nad);
  }
  return idx;
}

export interface UdnAttachment {
  /** The VMI interface name (equal to its `spec.networks[]` name). */
  interface: string;
  /** The VMI network name (`spec.networks[].name`): the `<network>` of the IPAMClaim `<vm>.<network>`. */
  network: string;
  role: OvnRole;
  nad: { namespace: string; name: string };
  config: OvnNetConfig;
}

/**
 * The VMI's interfaces on overlay networks, in interface order: the `pod` network with an l2bridge
 * binding when the namespace has a primary UDN, and `multus` networks naming a secondary overlay NAD.
 * Interfaces marked `absent` are being unplugged and attach to nothing.
 */
export function udnAttachments(namespace: string, spec: VmiSpecLike | undefined, index: UdnNadIndex): UdnAttachment[] {
  const out: UdnAttachment[] = [];
  for (const nic of vmiNics(spec, namespace)) {
    if (nic.state === 'absent') continue;
    let nad: UdnNad | undefined;
    if (nic.network.kind === 'pod') {
      if (typeof nic.binding !== 'object' || nic.binding.plugin !== PRIMARY_UDN_BINDING) continue;
      nad = index.primary.get(namespace);
    } else {
      nad = index.byKey.get(`${nic.network.namespace}/${nic.network.name}`);
      if (nad?.config.role !== 'secondary') continue;
    }
    if (!nad) continue;
    out.push({ interface: nic.name, network: nic.name, role: nad.config.role, nad: { namespace: nad.namespace, name: nad.name }, config: nad.config });
  }
  return out;
}
