// Which interfaces of a VirtualMachine kubemacpool gives MACs to (KMP pkg/pool-manager/virtualmachine_pool.go):
// masquerade on the pod network, and every interface on a Multus network. Bridge and binding-plugin
// interfaces on the pod network (e.g. l2bridge on a primary UDN) keep what they have. Pure.
import { isPlainObject, type KubeObject } from '../../common/object.js';
import { macToNumber } from '../../common/mac-address.js';

export interface ManagedInterface {
  /** Position in spec.template.spec.domain.devices.interfaces. */
  index: number;
  name: string;
  /** As written; '' when unset. */
  macAddress: string;
  /** The interface object itself, to write a MAC into. */
  spec: Record<string, unknown>;
}

function templateSpec(vm: KubeObject): Record<string, unknown> | undefined {
  const spec = vm['spec'];
  if (!isPlainObject(spec) || !isPlainObject(spec['template'])) return undefined;
  const t = spec['template']['spec'];
  return isPlainObject(t) ? t : undefined;
}

/** The VM's `spec.template.spec.domain.devices.interfaces` (objects only). */
export function vmInterfaces(vm: KubeObject): Array<Record<string, unknown>> {
  const t = templateSpec(vm);
  const domain = t?.['domain'];
  const devices = isPlainObject(domain) ? domain['devices'] : undefined;
  const ifaces = isPlainObject(devices) ? devices['interfaces'] : undefined;
  return Array.isArray(ifaces) ? ifaces.filter(isPlainObject) : [];
}

export function managedInterfaces(vm: KubeObject): ManagedInterface[] {
  const nets = new Map<string, Record<string, unknown>>();
  const list = templateSpec(vm)?.['networks'];
  for (const n of Array.isArray(list) ? list.filter(isPlainObject) : []) {
    if (typeof n['name'] === 'string' && !nets.has(n['name'])) nets.set(n['name'], n);
  }
  const out: ManagedInterface[] = [];
  if (nets.size === 0) return out;
  vmInterfaces(vm).forEach((iface, index) => {
    const name = typeof iface['name'] === 'string' ? iface['name'] : '';
    const net = nets.get(name);
    if (iface['masquerade'] === undefined && net?.['multus'] === undefined) return;
    const mac = iface['macAddress'];
    // Not a string: the schema check that follows refuses it; it must not be papered over with a MAC.
    if (mac !== undefined && typeof mac !== 'string') return;
    out.push({ index, name, macAddress: mac ?? '', spec: iface });
  });
  return out;
}

/**
 * The MACs a stored VM holds in the pool. Malformed ones hold nothing (virt-api refuses them on write;
 * kubemacpool skips them when it rebuilds its map).
 */
export function heldMacs(vm: KubeObject): number[] {
  const out: number[] = [];
  for (const i of managedInterfaces(vm)) {
    const n = i.macAddress ? macToNumber(i.macAddress) : undefined;
    if (n !== undefined && !out.includes(n)) out.push(n);
  }
  return out;
}
