// The CNI config of a NetworkAttachmentDefinition (`spec.config`), as far as virtnet acts on it: the Linux
// bridge plugin (`bridge`, or `cnv-bridge`, which CNAO links to it) with its VLAN, MAC spoof check and MTU.
// Pure.

export interface BridgeNetConfig {
  type: 'bridge';
  /** The CNI network name (`name` in the config). */
  name: string;
  bridge: string;
  vlan?: number;
  /** The bridge plugin's default is false; the console's form writes true. */
  macspoofchk: boolean;
  /** The bridge plugin's default is true. */
  preserveDefaultVlan: boolean;
  mtu?: number;
}

export type NadConfig = BridgeNetConfig | { type: 'other'; pluginType: string; name: string };

export class CniConfigError extends Error {
  override readonly name = 'CniConfigError';
}

const BRIDGE_NAME = /^[A-Za-z0-9_.-]{1,15}$/;

function int(v: unknown, what: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    throw new CniConfigError(`${what} must be an integer between ${lo} and ${hi}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Parses `spec.config`; throws CniConfigError with a message fit for a VMI condition. */
export function parseNadConfig(config: string | undefined): NadConfig {
  if (config === undefined || config.trim() === '') throw new CniConfigError('spec.config is empty');
  let c: unknown;
  try {
    c = JSON.parse(config);
  } catch (e) {
    throw new CniConfigError(`spec.config is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof c !== 'object' || c === null || Array.isArray(c)) throw new CniConfigError('spec.config must be a JSON object');
  const o = c as Record<string, unknown>;
  // A conflist: the first plugin decides.
  const plugin = Array.isArray(o['plugins']) && typeof o['plugins'][0] === 'object' && o['plugins'][0] !== null
    ? o['plugins'][0] as Record<string, unknown> : o;
  const type = plugin['type'];
  const name = typeof o['name'] === 'string' ? o['name'] : '';
  if (typeof type !== 'string') throw new CniConfigError('spec.config has no plugin "type"');
  if (type !== 'bridge' && type !== 'cnv-bridge') return { type: 'other', pluginType: type, name };
  const bridge = plugin['bridge'] ?? 'cni0';
  if (typeof bridge !== 'string' || !BRIDGE_NAME.test(bridge)) {
    throw new CniConfigError(`bridge name ${JSON.stringify(bridge)} is not a valid interface name (at most 15 bytes of [A-Za-z0-9_.-])`);
  }
  const out: BridgeNetConfig = {
    type: 'bridge', name, bridge,
    macspoofchk: plugin['macspoofchk'] === true,
    preserveDefaultVlan: plugin['preserveDefaultVlan'] !== false,
  };
  if (plugin['vlan'] !== undefined && plugin['vlan'] !== 0) out.vlan = int(plugin['vlan'], 'vlan', 0, 4094);
  if (plugin['mtu'] !== undefined) out.mtu = int(plugin['mtu'], 'mtu', 68, 65535);
  return out;
}

/** bridge-marker's resource for a bridge, which NADs name in `k8s.v1.cni.cncf.io/resourceName`. */
export const BRIDGE_RESOURCE_PREFIX = 'bridge.network.kubevirt.io/';
export const NAD_RESOURCE_ANNOTATION = 'k8s.v1.cni.cncf.io/resourceName';
