// Pure: the "Add network interface" modal (kubevirt-plugin NetworkInterfaceModal, reference §5) and NIC
// removal as JSON patches of a VirtualMachine; the default NIC name; MAC validation. No DOM, no I/O.
import { colorAnimalName } from './random-name.js';

export type NicModel = 'virtio' | 'e1000e';
export const NIC_MODELS: readonly NicModel[] = ['virtio', 'e1000e'];

/** The binding the console infers (never chosen): pod → masquerade, SR-IOV NAD → sriov, other NAD → bridge. */
export type NicBinding = 'masquerade' | 'bridge' | 'sriov';

/** The value of the "Pod Networking" choice in the Network select. */
export const POD_NETWORK = '#pod#';

export interface NetworkOption {
  /** POD_NETWORK or `<ns>/<name>` of a NAD. */
  value: string;
  /** What the select shows: "Pod Networking" or `<ns>/<name>`. */
  label: string;
  binding: NicBinding;
}

export interface NicForm {
  name: string;
  model: NicModel;
  /** A NetworkOption value; '' before a choice. */
  network: string;
  macAddress: string;
}

interface NadLike { metadata: { name: string; namespace?: string }; spec?: { config?: string } }
interface IfaceLike { name: string; model?: string; macAddress?: string; state?: string; bridge?: unknown; masquerade?: unknown; sriov?: unknown; binding?: { name?: string } }
interface NetLike { name: string; pod?: unknown; multus?: { networkName?: string } }
export interface VmLike {
  metadata: { name: string; namespace?: string };
  spec?: { template?: { spec?: { domain?: { devices?: { interfaces?: IfaceLike[] } }; networks?: NetLike[] } } };
}

/** Namespaces whose NADs every project may use (OpenShift's Multus globalNamespaces) besides the VM's own. */
export const NAD_GLOBAL_NAMESPACES = ['default', 'openshift-multus', 'openshift-sriov-network-operator'];

export function vmInterfaces(vm: VmLike): IfaceLike[] {
  return vm.spec?.template?.spec?.domain?.devices?.interfaces ?? [];
}

export function vmNetworks(vm: VmLike): NetLike[] {
  return vm.spec?.template?.spec?.networks ?? [];
}

export function hasPodNetwork(vm: VmLike): boolean {
  return vmNetworks(vm).some((n) => n.pod !== undefined);
}

function nadConfig(nad: NadLike): { type?: string; role?: string } {
  try {
    const c = JSON.parse(nad.spec?.config ?? '{}') as unknown;
    return c && typeof c === 'object' ? c as { type?: string; role?: string } : {};
  } catch {
    return {};
  }
}

/** The Network select's choices: Pod Networking only while the VM has none, then the usable NADs. */
export function networkOptions(vm: VmLike, nads: readonly NadLike[]): NetworkOption[] {
  const ns = vm.metadata.namespace ?? 'default';
  const out: NetworkOption[] = [];
  if (!hasPodNetwork(vm)) out.push({ value: POD_NETWORK, label: 'Pod Networking', binding: 'masquerade' });
  const usable = nads
    .filter((n) => n.metadata.namespace === ns || NAD_GLOBAL_NAMESPACES.includes(n.metadata.namespace ?? ''))
    // A primary UDN's NAD is the pod network of its namespace, never a Multus secondary network.
    .filter((n) => nadConfig(n).role !== 'primary')
    .map((n): NetworkOption => ({
      value: `${n.metadata.namespace ?? ''}/${n.metadata.name}`,
      label: `${n.metadata.namespace ?? ''}/${n.metadata.name}`,
      binding: nadConfig(n).type === 'sriov' ? 'sriov' : 'bridge',
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return [...out, ...usable];
}

/** "Bridge" / "Masquerade" / "SR-IOV": the Type the modal shows and the "<Type> Binding" label. */
export function bindingTitle(b: NicBinding): string {
  return b === 'masquerade' ? 'Masquerade' : b === 'sriov' ? 'SR-IOV' : 'Bridge';
}

const MAC = /^([0-9a-f]{2})([:-])[0-9a-f]{2}(\2[0-9a-f]{2}){4}$/i;

/** Six hex octets joined by ':' or '-' (one separator throughout), as KubeVirt's macAddress field accepts. */
export function isValidMac(s: string): boolean {
  return MAC.test(s.trim());
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type NicField = 'name' | 'network' | 'macAddress';
/** English messages (the view translates them). */
export type NicErrors = Partial<Record<NicField, string>>;

export const NIC_MESSAGES = {
  nameRequired: 'Name is required',
  nameFormat: 'Name must consist of lower case alphanumeric characters or "-", and start and end with an alphanumeric character',
  nameTooLong: 'Name must be no more than 63 characters',
  nameTaken: 'A network interface with this name already exists',
  networkRequired: 'Network is required',
  macFormat: 'Invalid MAC address format',
} as const;

export function validateNic(vm: VmLike, form: NicForm, options: readonly NetworkOption[]): NicErrors {
  const e: NicErrors = {};
  const name = form.name.trim();
  if (!name) e.name = NIC_MESSAGES.nameRequired;
  else if (name.length > 63) e.name = NIC_MESSAGES.nameTooLong;
  else if (!DNS_LABEL.test(name)) e.name = NIC_MESSAGES.nameFormat;
  else if (vmInterfaces(vm).some((i) => i.name === name) || vmNetworks(vm).some((n) => n.name === name)) e.name = NIC_MESSAGES.nameTaken;
  if (!form.network || !options.some((o) => o.value === form.network)) e.network = NIC_MESSAGES.networkRequired;
  if (form.macAddress.trim() && !isValidMac(form.macAddress)) e.macAddress = NIC_MESSAGES.macFormat;
  return e;
}

export type JsonPatchOp =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string };

const IFACES = '/spec/template/spec/domain/devices/interfaces';
const NETS = '/spec/template/spec/networks';

/** `networkName` as the console writes it: `default/<n>` for NADs in `default`, else the bare `<n>` (§5). */
export function multusNetworkName(option: string): string {
  const [ns, name] = option.split('/') as [string, string];
  return ns === 'default' ? `default/${name}` : name;
}

/** The interface and network the form adds. */
export function nicFromForm(form: NicForm, options: readonly NetworkOption[]): { iface: Record<string, unknown>; network: Record<string, unknown> } {
  const opt = options.find((o) => o.value === form.network);
  const binding: NicBinding = opt?.binding ?? 'bridge';
  const name = form.name.trim();
  const mac = form.macAddress.trim();
  const iface: Record<string, unknown> = { name, model: form.model, ...(mac ? { macAddress: mac } : {}), [binding]: {} };
  const network: Record<string, unknown> = form.network === POD_NETWORK ? { name, pod: {} } : { name, multus: { networkName: multusNetworkName(form.network) } };
  return { iface, network };
}

/** A JSON patch that appends the NIC (creating the lists when the VM has none). */
export function addNicPatch(vm: VmLike, form: NicForm, options: readonly NetworkOption[]): JsonPatchOp[] {
  const { iface, network } = nicFromForm(form, options);
  const ops: JsonPatchOp[] = [];
  const spec = vm.spec?.template?.spec;
  if (!spec?.domain) ops.push({ op: 'add', path: '/spec/template/spec/domain', value: { devices: {} } });
  else if (!spec.domain.devices) ops.push({ op: 'add', path: '/spec/template/spec/domain/devices', value: {} });
  ops.push(spec?.domain?.devices?.interfaces ? { op: 'add', path: `${IFACES}/-`, value: iface } : { op: 'add', path: IFACES, value: [iface] });
  ops.push(spec?.networks ? { op: 'add', path: `${NETS}/-`, value: network } : { op: 'add', path: NETS, value: [network] });
  return ops;
}

/** Which binding an interface of the spec has, as the NIC table's Type column shows it. */
export function interfaceBinding(i: IfaceLike): string {
  if (i.bridge !== undefined) return 'Bridge';
  if (i.masquerade !== undefined) return 'Masquerade';
  if (i.sriov !== undefined) return 'SR-IOV';
  if (i.binding?.name) return i.binding.name;
  return '-';
}

/**
 * Deleting a NIC: on a running VM a bridge NIC on a secondary network is unplugged (`state: absent`),
 * anything else is removed from the template (a running VM then needs a restart). Test ops guard the indexes.
 */
export function removeNicPatch(vm: VmLike, name: string, running: boolean): JsonPatchOp[] {
  const ifaces = vmInterfaces(vm);
  const nets = vmNetworks(vm);
  const i = ifaces.findIndex((x) => x.name === name);
  const n = nets.findIndex((x) => x.name === name);
  const net = nets[n];
  const ops: JsonPatchOp[] = [];
  if (running && i >= 0 && ifaces[i]!.bridge !== undefined && net?.multus !== undefined) {
    ops.push({ op: 'test', path: `${IFACES}/${i}/name`, value: name });
    ops.push({ op: 'add', path: `${IFACES}/${i}/state`, value: 'absent' });
    return ops;
  }
  if (i >= 0) ops.push({ op: 'test', path: `${IFACES}/${i}/name`, value: name }, { op: 'remove', path: `${IFACES}/${i}` });
  if (n >= 0) ops.push({ op: 'test', path: `${NETS}/${n}/name`, value: name }, { op: 'remove', path: `${NETS}/${n}` });
  return ops;
}

/** `nic-<color>-<animal>-<NN>`; `random` returns [0, 1) (injected so tests are exact). */
export function generateNicName(random: () => number = Math.random, taken: readonly string[] = []): string {
  for (let tries = 0; ; tries++) {
    const base = colorAnimalName('nic', random);
    const nn = String(Math.min(99, Math.floor(random() * 100))).padStart(2, '0');
    const name = `${base}-${nn}`;
    if (!taken.includes(name) || tries > 20) return name;
  }
}
