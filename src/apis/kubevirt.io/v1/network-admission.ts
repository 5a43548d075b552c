// KubeVirt's network admission rules for a VirtualMachineInstanceSpec (KV release-1.4
// pkg/network/admitter/*.go), word for word. `base` is where the spec sits: `spec` in a VMI,
// `spec.template.spec` in a VM. The object has already passed the CRD schema, so types are as declared.
import type { StatusCause } from '../../../common/status-error.js';
import { isPlainObject } from '../../../common/object.js';
import { macToNumber, parseMac } from '../../../common/mac-address.js';

interface Iface {
  name?: string;
  model?: string;
  macAddress?: string;
  pciAddress?: string;
  state?: string;
  ports?: Array<{ name?: string; port?: number; protocol?: string }>;
  bridge?: object; masquerade?: object; sriov?: object; passtBinding?: object; binding?: object;
  slirp?: object; macvtap?: object; passt?: object;
}

interface Net {
  name?: string;
  pod?: object;
  multus?: { networkName?: string; default?: boolean };
}

/** The binding fields of an interface; each counts toward "exactly one" (the removed ones too). */
const BINDING_FIELDS = ['bridge', 'masquerade', 'sriov', 'passtBinding', 'binding', 'slirp', 'macvtap', 'passt'] as const;

export const INTERFACE_MODELS = ['e1000', 'e1000e', 'igb', 'ne2k_pci', 'pcnet', 'rtl8139', 'virtio'] as const;

/** KubeVirt's in-pod bridge uses this MAC (pkg/network/link StaticMasqueradeBridgeMAC). */
export const RESERVED_MASQUERADE_MAC = '02:00:00:00:00:00';

const IFACE_NAME = /^[A-Za-z0-9-_]+$/;
/** hwutil.ParsePciAddress. */
const PCI_ADDRESS = /^([\da-fA-F]{4}):([\da-fA-F]{2}):([\da-fA-F]{2})\.([0-7])$/;

const cause = (reason: string, field: string, message: string): StatusCause => ({ reason, field, message });
const invalidCause = (field: string, message: string) => cause('FieldValueInvalid', field, message);

function listOf<T>(v: unknown): T[] {
  return Array.isArray(v) ? v.filter(isPlainObject) as T[] : [];
}

export function interfacesOf(spec: unknown): Iface[] {
  if (!isPlainObject(spec) || !isPlainObject(spec['domain']) || !isPlainObject(spec['domain']['devices'])) return [];
  return listOf<Iface>(spec['domain']['devices']['interfaces']);
}

export function networksOf(spec: unknown): Net[] {
  return isPlainObject(spec) ? listOf<Net>(spec['networks']) : [];
}

/** vmispec.LookUpDefaultNetwork: the pod network, or the Multus default. */
function defaultNetwork(nets: Net[]): Net | undefined {
  return nets.find((n) => n.pod !== undefined || n.multus?.default === true);
}

/** Go's %q for the plain strings these messages quote. */
const q = (s: string | undefined): string => JSON.stringify(s ?? '');

/** All network causes for one VirtualMachineInstanceSpec, in the order virt-api reports them. */
export function validateNetworking(spec: unknown, base: string): StatusCause[] {
  const ifaces = interfacesOf(spec);
  const nets = networksOf(spec);
  const ifPath = (i: number) => `${base}.domain.devices.interfaces[${i}]`;
  const netPath = (i: number) => `${base}.networks[${i}]`;
  const netByName = new Map<string, Net>();
  for (const n of nets) if (!netByName.has(n.name ?? '')) netByName.set(n.name ?? '', n);
  const out: StatusCause[] = [];

  // netsource.go
  const podNets = nets.filter((n) => n.pod !== undefined);
  const multusDefaults = nets.filter((n) => n.multus?.default === true);
  if (podNets.length > 1) {
    out.push(cause('FieldValueDuplicate', `${base}.interfaces`, `more than one interface is connected to a pod network in ${base}.interfaces`));
  }
  if (multusDefaults.length > 1) out.push(invalidCause(`${base}.networks`, 'Multus CNI should only have one default network'));
  if (podNets.length > 0 && multusDefaults.length > 0) {
    out.push(invalidCause(`${base}.networks`, 'Pod network cannot be defined when Multus default network is defined'));
  }
  nets.forEach((n, i) => {
    if (n.pod === undefined && n.multus === undefined) out.push(cause('FieldValueRequired', netPath(i), 'should have a network type'));
    else if (n.pod !== undefined && n.multus !== undefined) out.push(cause('FieldValueRequired', netPath(i), 'should have only one network type'));
  });
  const nameless = nets.findIndex((n) => n.multus !== undefined && !n.multus.networkName);
  if (nameless >= 0) out.push(cause('FieldValueRequired', netPath(nameless), 'CNI delegating plugin must have a networkName'));

  // admit.go: interface state
  const defNet = defaultNetwork(nets);
  ifaces.forEach((f, i) => {
    const state = f.state ?? '';
    const at = `${ifPath(i)}.state`;
    if (!['', 'up', 'down', 'absent'].includes(state)) {
      out.push(invalidCause(at, `logical ${f.name ?? ''} interface state value is unsupported: ${state}`));
    }
    if (f.sriov !== undefined && (state === 'up' || state === 'down')) {
      out.push(invalidCause(at, `${q(f.name)} interface's state ${q(state)} is not supported for SR-IOV NICs`));
    }
    if (state === 'absent' && f.bridge === undefined) {
      out.push(invalidCause(at, `${q(f.name)} interface's state ${q(state)} is supported only for bridge binding`));
    }
    if (state === 'absent' && defNet !== undefined && defNet.name === f.name) {
      out.push(invalidCause(at, `${q(f.name)} interface's state ${q(state)} is not supported on default networks`));
    }
  });

  // binding.go
  ifaces.forEach((f, i) => {
    const net = netByName.get(f.name ?? '');
    if (BINDING_FIELDS.filter((b) => f[b] !== undefined).length !== 1) {
      out.push(invalidCause(ifPath(i), `logical ${f.name ?? ''} interface must have exactly one binding method or binding plugin`));
    }
    if (f.masquerade !== undefined && net?.pod === undefined) {
      out.push(invalidCause(`${ifPath(i)}.name`, 'Masquerade interface only implemented with pod network'));
    }
    if (f.masquerade !== undefined && f.macAddress && macToNumber(f.macAddress) === macToNumber(RESERVED_MASQUERADE_MAC)) {
      out.push(invalidCause(`${ifPath(i)}.macAddress`, 'The requested MAC address is reserved for the in-pod bridge. Please choose another one.'));
    }
    if (f.passtBinding !== undefined && net?.pod === undefined) {
      out.push(invalidCause(`${ifPath(i)}.name`, 'Passt interface only implemented with pod network'));
    }
  });

  // netiface.go
  const seenNets = new Set<string>();
  nets.forEach((n, i) => {
    const name = n.name ?? '';
    if (seenNets.has(name)) {
      out.push(cause('FieldValueDuplicate', `${netPath(i)}.name`, `Network with name ${q(name)} already exists, every network must have a unique name`));
    }
    seenNets.add(name);
  });
  const ifaceNames = new Set(ifaces.map((f) => f.name ?? ''));
  nets.forEach((n, i) => {
    if (!ifaceNames.has(n.name ?? '')) out.push(cause('FieldValueRequired', `${netPath(i)}.name`, `${netPath(i)}.name '${n.name ?? ''}' not found.`));
  });
  const seenIfaces = new Set<string>();
  ifaces.forEach((f, i) => {
    const name = f.name ?? '';
    if (seenIfaces.has(name)) out.push(cause('FieldValueDuplicate', `${ifPath(i)}.name`, 'Only one interface can be connected to one specific network'));
    seenIfaces.add(name);
  });
  ifaces.forEach((f, i) => {
    if (!netByName.has(f.name ?? '')) out.push(invalidCause(`${ifPath(i)}.name`, `${ifPath(i)}.name '${f.name ?? ''}' not found.`));
  });
  ifaces.forEach((f, i) => out.push(...interfaceFields(f, ifPath(i), netByName.get(f.name ?? ''))));

  // discontinued.go: bindings removed in v1.3
  ifaces.forEach((f, i) => {
    if (f.slirp !== undefined) out.push(invalidCause(`${ifPath(i)}.slirp`, 'Slirp interface support has been discontinued since v1.3'));
    if (f.passt !== undefined) out.push(invalidCause(`${ifPath(i)}.passt`, 'Passt network binding has been discontinued since v1.3'));
    if (f.macvtap !== undefined) out.push(invalidCause(`${ifPath(i)}.macvtap`, 'Macvtap network binding has been discontinued since v1.3'));
  });
  return out;
}

function interfaceFields(f: Iface, at: string, net: Net | undefined): StatusCause[] {
  const out: StatusCause[] = [];
  if (!IFACE_NAME.test(f.name ?? '')) {
    out.push(invalidCause(`${at}.name`, 'Network interface name can only contain alphabetical characters, numbers, dashes (-) or underscores (_)'));
  }
  if (f.model && !(INTERFACE_MODELS as readonly string[]).includes(f.model)) {
    out.push(cause('FieldValueNotSupported', `${at}.model`, `interface ${at}.name uses model ${f.model} that is not supported.`));
  }
  if (f.macAddress) {
    const mac = parseMac(f.macAddress);
    if (!mac) out.push(invalidCause(`${at}.macAddress`, `interface ${at}.name has malformed MAC address (${f.macAddress}).`));
    else if (mac.length > 6) out.push(invalidCause(`${at}.macAddress`, `interface ${at}.name has MAC address (${f.macAddress}) that is too long.`));
  }
  if (f.pciAddress && !PCI_ADDRESS.test(f.pciAddress)) {
    out.push(invalidCause(`${at}.pciAddress`, `interface ${at}.name has malformed PCI address (${f.pciAddress}).`));
  }
  if (net?.pod !== undefined && f.ports !== undefined) out.push(...portCauses(f.ports, at));
  return out;
}

/** Forwarded ports, checked on the pod network only (validatePortConfiguration). */
function portCauses(ports: NonNullable<Iface['ports']>, at: string): StatusCause[] {
  const out: StatusCause[] = [];
  const names = new Set<string>();
  ports.forEach((p, j) => {
    if (!p.name) return;
    const field = `${at}.ports[${j}].name`;
    if (names.has(p.name)) out.push(cause('FieldValueDuplicate', field, `Duplicate name of the port: ${p.name}`));
    if (!isValidPortName(p.name)) out.push(invalidCause(field, `Invalid name of the port: ${p.name}`));
    names.add(p.name);
  });
  ports.forEach((p, j) => {
    const field = `${at}.ports[${j}]`;
    const port = p.port ?? 0;
    if (port === 0) out.push(cause('FieldValueRequired', field, 'Port field is mandatory.'));
    // Upstream lets 65536 through (`> 65536`); no such port exists, so it is refused here.
    if (port < 0 || port > 65535) out.push(invalidCause(field, 'Port field must be in range 0 < x < 65536.'));
    if (p.protocol && p.protocol !== 'TCP' && p.protocol !== 'UDP') {
      out.push(invalidCause(`${field}.protocol`, 'Unknown protocol, only TCP or UDP allowed'));
    }
  });
  return out;
}

/** k8s.io/apimachinery validation.IsValidPortName (IANA_SVC_NAME). */
function isValidPortName(s: string): boolean {
  return s.length >= 1 && s.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(s) && !s.includes('--') && /[a-z]/.test(s);
}
