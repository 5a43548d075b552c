// A VMI's NICs as the node side needs them: each `spec.domain.devices.interfaces[]` paired with its
// `spec.networks[]` entry, the binding named, the Multus network reference resolved to namespace/name.
// Pure; shared by the scheduler (which bridges a VMI needs, namespace isolation) and the node agent.

export type Binding = 'masquerade' | 'bridge' | 'sriov' | { plugin: string };

export type NetworkRef =
  | { kind: 'pod' }
  | { kind: 'multus'; namespace: string; name: string; default: boolean };

export interface VmiNic {
  /** Interface (and network) name. */
  name: string;
  binding: Binding;
  network: NetworkRef;
  model: string;
  macAddress?: string;
  /** `up` (also ''), `down`, `absent`. */
  state: string;
}

interface IfaceSpec {
  name?: string; model?: string; macAddress?: string; state?: string;
  bridge?: unknown; masquerade?: unknown; sriov?: unknown; binding?: { name?: string };
}
interface NetSpec { name?: string; pod?: unknown; multus?: { networkName?: string; default?: boolean } }

export interface VmiSpecLike {
  domain?: { devices?: { interfaces?: IfaceSpec[] } };
  networks?: NetSpec[];
}

/** `<name>` (the VMI's namespace) or `<ns>/<name>`, as Multus reads `multus.networkName`. */
export function parseNetworkName(networkName: string, vmiNamespace: string): { namespace: string; name: string } {
  const slash = networkName.indexOf('/');
  if (slash < 0) return { namespace: vmiNamespace, name: networkName };
  return { namespace: networkName.slice(0, slash), name: networkName.slice(slash + 1) };
}

function bindingOf(i: IfaceSpec): Binding {
  if (i.binding?.name) return { plugin: i.binding.name };
  if (i.masquerade !== undefined) return 'masquerade';
  if (i.sriov !== undefined) return 'sriov';
  return 'bridge';
}

/** The NICs of a VMI spec, in interface order; interfaces without a matching network are left out
 * (admission rejects them, so they only appear in objects written before it). */
export function vmiNics(spec: VmiSpecLike | undefined, namespace: string): VmiNic[] {
  const nets = new Map((spec?.networks ?? []).map((n) => [n.name ?? '', n]));
  const out: VmiNic[] = [];
  for (const i of spec?.domain?.devices?.interfaces ?? []) {
    const name = i.name ?? '';
    const net = nets.get(name);
    if (!net) continue;
    let network: NetworkRef;
    if (net.multus) {
      const ref = parseNetworkName(net.multus.networkName ?? '', namespace);
      network = { kind: 'multus', ...ref, default: net.multus.default === true };
    } else {
      network = { kind: 'pod' };
    }
    out.push({
      name, binding: bindingOf(i), network, model: i.model ?? 'virtio', state: i.state ?? 'up',
      ...(i.macAddress ? { macAddress: i.macAddress.toLowerCase() } : {}),
    });
  }
  return out;
}

/** Multus `namespaceIsolation`: a pod may use NADs of its own namespace and of the global namespaces. */
export function isolationError(vmiNamespace: string, target: string, globalNamespaces: readonly string[]): string | undefined {
  if (target === vmiNamespace || globalNamespaces.includes(target)) return undefined;
  return `GetNetworkDelegates: namespace isolation enabled, annotation violates permission, pod is in namespace ${vmiNamespace} but refers to target namespace ${target}`;
}

/** Multus's default when `globalNamespaces` is unset: only `default`. */
export const DEFAULT_GLOBAL_NAMESPACES: readonly string[] = ['default'];
