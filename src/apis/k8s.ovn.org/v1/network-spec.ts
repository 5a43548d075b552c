// The topology spec UserDefinedNetwork and ClusterUserDefinedNetwork share (ovn-kubernetes
// go-controller/pkg/crd/userdefinednetwork/v1/shared.go at the OCP 4.18 level: Layer2 `ipam` object,
// no localnet), with its CEL rules evaluated here. A CEL failure is reported as upstream does:
// `<path>: Invalid value: "<schema type>": <message>`.
import type { FieldError } from '../../../common/status-error.js';
import { isPlainObject } from '../../../common/object.js';
import { arr, int32, obj, opt, str, strEnum } from '../../field-types.js';
import { invalid } from '../../field-errors.js';
import { cidrFamily, isCIDR, parseCIDR } from './cidr.js';

const cidr = (description?: string) => str(description, { maxLength: 43 });

const dualStackCIDRs = (description: string) => arr(cidr(), description, { minItems: 1, maxItems: 2 });

const role = (description: string) => strEnum(['Primary', 'Secondary'], description);

const mtu = opt(int32('MTU is the maximum transmission unit for a network. MTU is optional, if not provided, the globally configured value in OVN-Kubernetes (defaults to 1400) is used for the network.', { minimum: 576, maximum: 65536 }));

const joinSubnets = opt(dualStackCIDRs('JoinSubnets are used inside the OVN network topology.\n\nDual-stack clusters may set 2 subnets (one for each IP family), otherwise only 1 subnet is allowed. This field is only allowed for "Primary" network. It is not recommended to set this field without explicit need and understanding of the OVN network topology. When omitted, the platform will choose a reasonable default which is subject to change over time.'));

export const layer2Config = obj({
  ipam: opt(obj({
    lifecycle: opt(strEnum(['Persistent'], 'Lifecycle controls IP addresses management lifecycle.\n\nThe only allowed value is Persistent. When set, the IP addresses assigned by OVN Kubernetes will be persisted in an `ipamclaims.k8s.cni.cncf.io` object. These IP addresses will be reused by other pods if requested. Only supported when mode is `Enabled`.')),
    mode: opt(strEnum(['Enabled', 'Disabled'], 'Mode controls how much of the IP configuration will be managed by OVN. `Enabled` means OVN-Kubernetes will apply IP configuration to the SDN infrastructure and it will also assign IPs from the selected subnet to the individual pods. `Disabled` means OVN-Kubernetes will only assign MAC addresses and provide layer 2 communication, letting users configure IP addresses for the pods. `Disabled` is only available for Secondary networks. By disabling IPAM, any Kubernetes features that rely on selecting pods by IP will no longer function (such as network policy, services, etc). Additionally, IP port security will also be disabled for interfaces attached to this network. Defaults to `Enabled`.')),
  }, 'IPAM section contains IPAM-related configuration for the network.', { minProperties: 1 })),
  joinSubnets,
  mtu,
  role: role('Role describes the network role in the pod.\n\nAllowed value is "Secondary". Secondary network is only assigned to pods that use `k8s.v1.cni.cncf.io/networks` annotation to select given network.'),
  subnets: opt(dualStackCIDRs('Subnets are used for the pod network across the cluster. Dual-stack clusters may set 2 subnets (one for each IP family), otherwise only 1 subnet is allowed.\n\nThe format should match standard CIDR notation (for example, "10.128.0.0/16"). This field must be omitted if `ipam.mode` is `Disabled`.')),
}, 'Layer2 is the Layer2 topology configuration.');

export const layer3Config = obj({
  joinSubnets,
  mtu,
  role: role('Role describes the network role in the pod.\n\nAllowed values are "Primary" and "Secondary". Primary network is automatically assigned to every pod created in the same namespace. Secondary network is only assigned to pods that use `k8s.v1.cni.cncf.io/networks` annotation to select given network.'),
  subnets: arr(obj({
    cidr: cidr('CIDR specifies L3Subnet, which is split into smaller subnets for every node.'),
    hostSubnet: opt(int32('HostSubnet specifies the subnet size for every node.\n\nWhen not set, it will be assigned automatically.', { minimum: 1, maximum: 127 })),
  }), 'Subnets are used for the pod network across the cluster.\n\nDual-stack clusters may set 2 subnets (one for each IP family), otherwise only 1 subnet is allowed. Given subnet is split into smaller subnets for every node.', { minItems: 1, maxItems: 2 }),
}, 'Layer3 is the Layer3 topology configuration.');

export const topology = strEnum(['Layer2', 'Layer3'], 'Topology describes network configuration.\n\nAllowed values are "Layer3", "Layer2". Layer3 topology creates a layer 2 segment per node, each with a different subnet. Layer 3 routing is used to interconnect node subnets. Layer2 topology creates one logical switch shared by all nodes.');

// ---- CEL rules ----

type Rec = Record<string, unknown>;
const has = (o: Rec, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k) && o[k] !== undefined;

const MTU_RULE = 'MTU should be greater than or equal to 1280 when IPv6 subent is used';
const JOIN_RULE = 'JoinSubnets is only supported for Primary network';
const FAMILIES_RULE = 'When 2 CIDRs are set, they must be from different IP families';

/** `rule: size(self) != 2 || !isCIDR(a) || !isCIDR(b) || family(a) != family(b)` over a CIDR list. */
function dualStackRule(values: unknown[], path: string): FieldError[] {
  if (values.length !== 2 || !isCIDR(values[0]) || !isCIDR(values[1])) return [];
  return cidrFamily(values[0]) === cidrFamily(values[1]) ? [invalid(path, 'array', FAMILIES_RULE)] : [];
}

/** The list's own rule first, then its items' (the CEL validator checks a node before its children). */
function cidrList(v: unknown, path: string, itemCIDR: (item: unknown) => unknown, itemPath: (i: number) => string): FieldError[] {
  if (!Array.isArray(v)) return [];
  const errs = dualStackRule(v.map(itemCIDR), path);
  v.forEach((item, i) => {
    const c = itemCIDR(item);
    if (typeof c === 'string' && !isCIDR(c)) errs.push(invalid(itemPath(i), 'string', 'CIDR is invalid'));
  });
  return errs;
}

function mtuRule(o: Rec, subnetCIDRs: unknown[], path: string): FieldError[] {
  if (!has(o, 'subnets') || typeof o['mtu'] !== 'number') return [];
  const v6 = subnetCIDRs.filter((c) => cidrFamily(c) === 6).length;
  return v6 === 1 && o['mtu'] < 1280 ? [invalid(path, 'object', MTU_RULE)] : [];
}

export function validateLayer2(l2: unknown, path: string): FieldError[] {
  if (!isPlainObject(l2)) return [];
  const errs: FieldError[] = [];
  const ipam = isPlainObject(l2['ipam']) ? l2['ipam'] : undefined;
  const mode = ipam && typeof ipam['mode'] === 'string' ? ipam['mode'] : undefined;
  if (!(mode !== undefined && mode !== 'Enabled') && !has(l2, 'subnets')) errs.push(invalid(path, 'object', 'Subnets is required with ipam.mode is Enabled or unset'));
  if (mode === 'Disabled' && has(l2, 'subnets')) errs.push(invalid(path, 'object', 'Subnets must be unset when ipam.mode is Disabled'));
  if (mode === 'Disabled' && l2['role'] !== 'Secondary') errs.push(invalid(path, 'object', 'Disabled ipam.mode is only supported for Secondary network'));
  if (has(l2, 'joinSubnets') && l2['role'] !== 'Primary') errs.push(invalid(path, 'object', JOIN_RULE));
  const subnets = Array.isArray(l2['subnets']) ? l2['subnets'] : [];
  errs.push(...mtuRule(l2, subnets, path));
  if (ipam && ipam['lifecycle'] === 'Persistent' && mode !== undefined && mode !== 'Enabled') {
    errs.push(invalid(`${path}.ipam`, 'object', 'lifecycle Persistent is only supported when ipam.mode is Enabled'));
  }
  errs.push(...cidrList(l2['subnets'], `${path}.subnets`, (x) => x, (i) => `${path}.subnets[${i}]`));
  errs.push(...cidrList(l2['joinSubnets'], `${path}.joinSubnets`, (x) => x, (i) => `${path}.joinSubnets[${i}]`));
  return errs;
}

export function validateLayer3(l3: unknown, path: string): FieldError[] {
  if (!isPlainObject(l3)) return [];
  const errs: FieldError[] = [];
  if (has(l3, 'joinSubnets') && l3['role'] !== 'Primary') errs.push(invalid(path, 'object', JOIN_RULE));
  const subnets = Array.isArray(l3['subnets']) ? l3['subnets'] : [];
  const cidrOf = (s: unknown): unknown => (isPlainObject(s) ? s['cidr'] : undefined);
  errs.push(...mtuRule(l3, subnets.map(cidrOf), path));
  errs.push(...dualStackRule(subnets.map(cidrOf), `${path}.subnets`));
  subnets.forEach((s, i) => {
    if (!isPlainObject(s)) return;
    const p = `${path}.subnets[${i}]`;
    const parsed = typeof s['cidr'] === 'string' ? parseCIDR(s['cidr']) : undefined;
    if (parsed && typeof s['hostSubnet'] === 'number') {
      if (s['hostSubnet'] <= parsed.prefixLength) errs.push(invalid(p, 'object', 'HostSubnet must be smaller than CIDR subnet'));
      if (parsed.family === 4 && s['hostSubnet'] >= 32) errs.push(invalid(p, 'object', 'HostSubnet must < 32 for ipv4 CIDR'));
    }
    if (typeof s['cidr'] === 'string' && !parsed) errs.push(invalid(`${p}.cidr`, 'string', 'CIDR is invalid'));
  });
  errs.push(...cidrList(l3['joinSubnets'], `${path}.joinSubnets`, (x) => x, (i) => `${path}.joinSubnets[${i}]`));
  return errs;
}

/** The two topology rules of the object holding `topology`, `layer2`, `layer3` (its own node's rules). */
export function topologyRules(spec: unknown, path: string): FieldError[] {
  if (!isPlainObject(spec)) return [];
  const errs: FieldError[] = [];
  const t = spec['topology'];
  if ((t === 'Layer3') !== has(spec, 'layer3')) errs.push(invalid(path, 'object', 'spec.layer3 is required when topology is Layer3 and forbidden otherwise'));
  if ((t === 'Layer2') !== has(spec, 'layer2')) errs.push(invalid(path, 'object', 'spec.layer2 is required when topology is Layer2 and forbidden otherwise'));
  return errs;
}

/** The rules below that object: its `layer3` and `layer2` sections (checked after the node's own). */
export function layerRules(spec: unknown, path: string): FieldError[] {
  if (!isPlainObject(spec)) return [];
  return [...validateLayer3(spec['layer3'], `${path}.layer3`), ...validateLayer2(spec['layer2'], `${path}.layer2`)];
}
