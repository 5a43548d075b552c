// What the node agent needs to start one VMI, from the VMI and the objects it refers to: the NICs with
// their networks resolved (pod network or a Linux-bridge NAD), the disk, cloud-init, resources and the
// runtime. Pure; errors are messages for the VMI's status.
import { createHash } from 'node:crypto';
import { addressCount, formatIpv4, nthAddress, parseCidr } from '../../common/ipv4.js';
import type { KubeObject } from '../../common/object.js';
import { vmiNics, type VmiNic } from '../../common/kubevirt/vmi-networks.js';
import { parseNadConfig, CniConfigError, type BridgeNetConfig } from '../../common/kubevirt/cni-config.js';
import { indexUdnNads, udnAttachments, PRIMARY_UDN_BINDING, type OvnNetConfig, type UdnNadIndex } from '../../common/kubevirt/udn-attachments.js';

interface SpecLists { domain?: { devices?: { interfaces?: { name?: string }[] } }; networks?: { name?: string }[] }
function specInterface(vmi: KubeObject, name: string): never {
  return ((vmi.spec as SpecLists | undefined)?.domain?.devices?.interfaces ?? []).find((i) => i.name === name) as never;
}
function specNetwork(vmi: KubeObject, name: string): never {
  return ((vmi.spec as SpecLists | undefined)?.networks ?? []).find((n) => n.name === name) as never;
}

export const RUNTIME_ANNOTATION = 'virtnet.io/runtime';
export const POD_IP_ANNOTATION = 'virtnet.io/pod-ip';
export const IMAGE_ANNOTATION = 'virtnet.io/image';

export type PlannedNic =
  | { name: string; mac: string; model: string; binding: 'masquerade'; network: { kind: 'pod' } }
  /** A primary (l2bridge on `pod: {}`) or secondary Layer2 UDN: address from IPAM, served by the network's DHCP. */
  | { name: string; mac: string; model: string; binding: 'udn'; network: { kind: 'udn'; nad: string; config: OvnNetConfig; claim: string } }
  | { name: string; mac: string; model: string; binding: 'bridge'; network: { kind: 'bridge-nad'; nad: string; config: BridgeNetConfig } };

export interface VmiLaunchPlan {
  id: string;
  runtime: 'qemu' | 'netns';
  nics: PlannedNic[];
  memoryMiB: number;
  cpus: number;
  disk: { kind: 'builtin' } | { kind: 'qcow2'; base: string; dataVolumeUid: string } | { kind: 'blank' };
  userData?: string;
}

export class LaunchError extends Error {
  override readonly name = 'LaunchError';
  constructor(readonly reason: string, message: string) {
    super(message);
  }
}

/** A stable locally administered MAC for a NIC that the MAC pool left without one (e.g. pod bridge binding). */
export function derivedMac(uid: string, nic: string): string {
  const h = createHash('sha256').update(`${uid}/${nic}`).digest();
  return ['02', ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, '0'))].join(':');
}

/** The runtime's id for a VMI: its uid (lowercase hex and dashes, 36 characters). */
export function vmiRuntimeId(vmi: KubeObject): string {
  return (vmi.metadata.uid ?? '').toLowerCase();
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** A Kubernetes quantity in MiB (rounded up), or undefined when it does not parse. */
export function quantityMiB(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(String(q).trim());
  if (!m) return undefined;
  return Math.ceil((Number(m[1]) * (UNITS[m[2] ?? ''] ?? 1)) / 1024 ** 2);
}

interface VmiSpec {
  domain?: {
    resources?: { requests?: { memory?: string; cpu?: string | number } };
    memory?: { guest?: string };
    cpu?: { cores?: number; sockets?: number; threads?: number };
  };
  volumes?: { name?: string; dataVolume?: { name?: string }; containerDisk?: unknown; cloudInitNoCloud?: { userData?: string; userDataBase64?: string } }[];
}

export interface PlanInput {
  vmi: KubeObject;
  /** NADs by `<namespace>/<name>`. */
  nads: Map<string, KubeObject>;
  /** DataVolumes by `<namespace>/<name>`. */
  dataVolumes: Map<string, KubeObject>;
  defaultRuntime: 'qemu' | 'netns';
}

/** The VM's uid when the VMI has one (so a derived MAC survives restarts and migrations), else the VMI's. */
function macSeed(vmi: KubeObject): string {
  return vmi.metadata.ownerReferences?.find((r) => r.kind === 'VirtualMachine')?.uid ?? vmi.metadata.uid ?? '';
}

export function planNic(vmi: KubeObject, nic: VmiNic, nads: Map<string, KubeObject>, udn?: UdnNadIndex): PlannedNic {
  const mac = nic.macAddress ?? derivedMac(macSeed(vmi), nic.name);
  const ns = vmi.metadata.namespace ?? '';
  const attachment = udn ? udnAttachments(ns, { domain: { devices: { interfaces: [specInterface(vmi, nic.name)] } }, networks: [specNetwork(vmi, nic.name)] }, udn)[0] : undefined;
  if (attachment) {
    if (attachment.config.topology !== 'layer2') {
      throw new LaunchError('Unsupported', `interface ${nic.name}: ${attachment.config.topology} user defined networks are not implemented (Layer2 only)`);
    }
    const nadKey = `${attachment.nad.namespace}/${attachment.nad.name}`;
    return { name: nic.name, mac, model: nic.model, binding: 'udn', network: { kind: 'udn', nad: nadKey, config: attachment.config, claim: `${vmi.metadata.name ?? ''}.${attachment.network}` } };
  }
  if (nic.network.kind === 'pod' && typeof nic.binding === 'object' && nic.binding.plugin === PRIMARY_UDN_BINDING) {
    throw new LaunchError('FailedCreate', `interface ${nic.name}: binding l2bridge needs a primary user defined network in namespace ${ns}, and there is none`);
  }
  if (nic.network.kind === 'pod') {
    if (nic.binding !== 'masquerade') {
      throw new LaunchError('Unsupported', `interface ${nic.name}: only masquerade is implemented on the pod network (binding ${typeof nic.binding === 'string' ? nic.binding : nic.binding.plugin})`);
    }
    return { name: nic.name, mac, model: nic.model, binding: 'masquerade', network: { kind: 'pod' } };
  }
  const key = `${nic.network.namespace}/${nic.network.name}`;
  const nad = nads.get(key);
  if (!nad) throw new LaunchError('FailedCreate', `failed to locate network attachment definition ${key}`);
  if (nic.binding !== 'bridge') throw new LaunchError('Unsupported', `interface ${nic.name}: only bridge binding is implemented on Multus networks`);
  let config;
  try {
    config = parseNadConfig((nad.spec as { config?: string } | undefined)?.config);
  } catch (e) {
    if (e instanceof CniConfigError) throw new LaunchError('FailedCreate', `network attachment definition ${key}: ${e.message}`);
    throw e;
  }
  if (config.type !== 'bridge') throw new LaunchError('Unsupported', `network attachment definition ${key}: CNI plugin ${config.pluginType} is not supported (only bridge)`);
  return { name: nic.name, mac, model: nic.model, binding: 'bridge', network: { kind: 'bridge-nad', nad: key, config } };
}

export function planVmiLaunch(input: PlanInput): VmiLaunchPlan {
  const { vmi } = input;
  const ns = vmi.metadata.namespace ?? '';
  const spec = (vmi.spec ?? {}) as VmiSpec;
  const udn = indexUdnNads([...input.nads.values()]);
  const nics = vmiNics(vmi.spec as never, ns).filter((n) => n.state !== 'absent').map((n) => planNic(vmi, n, input.nads, udn));
  const requested = vmi.metadata.annotations?.[RUNTIME_ANNOTATION];
  if (requested !== undefined && requested !== 'qemu' && requested !== 'netns') {
    throw new LaunchError('Unsupported', `annotation ${RUNTIME_ANNOTATION}: want qemu or netns, got ${JSON.stringify(requested)}`);
  }
  let disk: VmiLaunchPlan['disk'] = { kind: 'builtin' };
  for (const v of spec.volumes ?? []) {
    if (!v.dataVolume?.name) continue;
    const dv = input.dataVolumes.get(`${ns}/${v.dataVolume.name}`);
    if (!dv) throw new LaunchError('FailedCreate', `DataVolume ${ns}/${v.dataVolume.name} not found`);
    const image = dv.metadata.annotations?.[IMAGE_ANNOTATION];
    if ((dv.status as { phase?: string } | undefined)?.phase !== 'Succeeded' || !image) {
      throw new LaunchError('DataVolumeNotReady', `DataVolume ${ns}/${v.dataVolume.name} is not ready`);
    }
    if (image !== 'builtin' && image !== 'blank' && !image.startsWith('/')) {
      throw new LaunchError('FailedCreate', `DataVolume ${ns}/${v.dataVolume.name}: image ${JSON.stringify(image)} is not an absolute path of a qcow2 file`);
    }
    disk = image === 'builtin' ? { kind: 'builtin' } : image === 'blank' ? { kind: 'blank' } : { kind: 'qcow2', base: image, dataVolumeUid: dv.metadata.uid ?? v.dataVolume.name };
    break;
  }
  const ci = (spec.volumes ?? []).find((v) => v.cloudInitNoCloud)?.cloudInitNoCloud;
  const userData = ci?.userData ?? (ci?.userDataBase64 ? Buffer.from(ci.userDataBase64, 'base64').toString('utf8') : undefined);
  const memory = quantityMiB(spec.domain?.memory?.guest) ?? quantityMiB(spec.domain?.resources?.requests?.memory) ?? 128;
  const cpu = spec.domain?.cpu;
  const cpus = cpu ? (cpu.cores ?? 1) * (cpu.sockets ?? 1) * (cpu.threads ?? 1) : 1;
  return {
    id: vmiRuntimeId(vmi),
    runtime: requested ?? input.defaultRuntime,
    nics, memoryMiB: memory, cpus, disk,
    ...(userData !== undefined ? { userData } : {}),
  };
}

/** Pure: the lowest address of the node's pod slice not in use (first is the gateway, last broadcast). */
export function allocatePodIp(sliceCidr: string, used: ReadonlySet<string>): string | undefined {
  const c = parseCidr(sliceCidr);
  if (!c) return undefined;
  const size = addressCount(c);
  for (let i = 2; i < size - 1; i++) {
    const ip = formatIpv4(nthAddress(c, i));
    if (!used.has(ip)) return ip;
  }
  return undefined;
}
