// Pure: the NodeNetworkConfigurationPolicy create form — its state, the policy it produces, and its
// validation. The output follows the nmstate console plugin's form for the same inputs: a Linux bridge
// interface is `{name, type: linux-bridge, state, bridge: {options: {stp: {enabled}}, port: [{name}]}}`,
// IPv4 DHCP `{enabled: true, dhcp: true}`, static `{enabled: true, address: [{ip, prefix-length}]}`, the
// description is the `description` annotation. One difference on purpose: IPv4 off writes
// `{enabled: false}` where the plugin leaves ipv4 out, since an omitted ipv4 keeps an existing
// interface's addresses (nmstate merges over the current state) while the form says "off".
import { isQualifiedName, isValidLabelValue } from '../../../src/common/names.js';
import { isIpv4 } from '../../../src/common/ipv4.js';

/** Marks English messages translated where they are shown (the view calls t(key, vars)). */
const tKey = (s: string): string => s;

export type Ipv4Mode = 'disabled' | 'dhcp' | 'static';
export type NetworkState = 'up' | 'down';

export interface InterfaceForm {
  name: string;
  state: NetworkState;
  type: 'linux-bridge';
  /** Comma- or space-separated port names. */
  ports: string;
  stp: boolean;
  ipv4: Ipv4Mode;
  ip: string;
  prefixLength: string;
}

export interface SelectorEntry {
  key: string;
  value: string;
}

export interface PolicyForm {
  name: string;
  description: string;
  selector: SelectorEntry[];
  interfaces: InterfaceForm[];
}

export interface Msg {
  key: string;
  vars?: Record<string, string | number>;
}

export interface FormErrors {
  name?: Msg;
  interfacesList?: Msg;
  selector: { key?: Msg; value?: Msg }[];
  interfaces: { name?: Msg; ports?: Msg; ip?: Msg; prefixLength?: Msg }[];
}

export const DEFAULT_PREFIX_LENGTH = 24;
export const MAX_INTERFACE_NAME_LENGTH = 15;

export function newInterface(index: number): InterfaceForm {
  return {
    name: index === 0 ? 'br0' : `br${index}`, state: 'up', type: 'linux-bridge', ports: '', stp: false,
    ipv4: 'disabled', ip: '', prefixLength: String(DEFAULT_PREFIX_LENGTH),
  };
}

export function initialPolicyForm(): PolicyForm {
  return { name: '', description: '', selector: [], interfaces: [newInterface(0)] };
}

export function portList(ports: string): string[] {
  return ports.split(/[\s,]+/).filter(Boolean);
}

/** The selector as a map; entries with an empty key are left out. */
export function selectorOf(entries: SelectorEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) if (e.key.trim()) out[e.key.trim()] = e.value.trim();
  return out;
}

function ipv4Of(f: InterfaceForm): Record<string, unknown> {
  if (f.ipv4 === 'dhcp') return { enabled: true, dhcp: true };
  if (f.ipv4 === 'static') return { enabled: true, address: [{ ip: f.ip.trim(), 'prefix-length': Number(f.prefixLength) }] };
  return { enabled: false };
}

export function interfaceOf(f: InterfaceForm): Record<string, unknown> {
  const ports = portList(f.ports);
  const bridge: Record<string, unknown> = { options: { stp: { enabled: f.stp } } };
  if (ports.length > 0) bridge.port = ports.map((name) => ({ name }));
  return { name: f.name.trim(), type: f.type, state: f.state, bridge, ipv4: ipv4Of(f) };
}

export interface NncpObject {
  apiVersion: 'nmstate.io/v1';
  kind: 'NodeNetworkConfigurationPolicy';
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { nodeSelector?: Record<string, string>; desiredState: { interfaces: Record<string, unknown>[] } };
}

export function policyFromForm(f: PolicyForm): NncpObject {
  const selector = selectorOf(f.selector);
  const description = f.description.trim();
  return {
    apiVersion: 'nmstate.io/v1',
    kind: 'NodeNetworkConfigurationPolicy',
    metadata: { name: f.name.trim(), ...(description ? { annotations: { description } } : {}) },
    spec: {
      ...(Object.keys(selector).length > 0 ? { nodeSelector: selector } : {}),
      desiredState: { interfaces: f.interfaces.map(interfaceOf) },
    },
  };
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function policyNameError(name: string): Msg | undefined {
  const n = name.trim();
  if (!n) return { key: tKey('Policy name is required') };
  if (n.length > 63 || !NAME_RE.test(n)) {
    return { key: tKey("Policy name must be at most 63 characters: lower case letters, digits, '-' or '.', starting and ending with a letter or digit") };
  }
  return undefined;
}

/** The kernel's limit (IFNAMSIZ) and the characters it refuses, in the nmstate plugin's words. */
export function interfaceNameError(name: string): Msg | undefined {
  if (!name.trim()) return { key: tKey('Interface name is required') };
  if (name.length > MAX_INTERFACE_NAME_LENGTH) {
    return { key: tKey('Interface name should follow the linux kernel naming convention. The name should be 15 characters or less.') };
  }
  if (/[/\s]/.test(name)) {
    return { key: tKey('Interface name should follow the linux kernel naming convention. Whitespaces and slashes are not allowed.') };
  }
  return undefined;
}

export function labelKeyError(key: string): Msg | undefined {
  const k = key.trim();
  if (!k) return { key: tKey('Label key is required') };
  if (isQualifiedName(k).length > 0) {
    return { key: tKey('{{key}} is not a valid label key'), vars: { key: k } };
  }
  return undefined;
}

export function labelValueError(value: string): Msg | undefined {
  const v = value.trim();
  if (isValidLabelValue(v).length > 0) return { key: tKey('{{value}} is not a valid label value'), vars: { value: v } };
  return undefined;
}

export function validatePolicyForm(f: PolicyForm): FormErrors {
  const errors: FormErrors = { selector: [], interfaces: [] };
  const nameErr = policyNameError(f.name);
  if (nameErr) errors.name = nameErr;
  if (f.interfaces.length === 0) errors.interfacesList = { key: tKey('Add at least one interface') };
  const keys = new Set<string>();
  errors.selector = f.selector.map((e) => {
    const out: { key?: Msg; value?: Msg } = {};
    const ke = labelKeyError(e.key);
    if (ke) out.key = ke;
    else if (keys.has(e.key.trim())) out.key = { key: tKey('Label key {{key}} is given twice'), vars: { key: e.key.trim() } };
    keys.add(e.key.trim());
    const ve = labelValueError(e.value);
    if (ve) out.value = ve;
    return out;
  });
  const names = new Set<string>();
  errors.interfaces = f.interfaces.map((i) => {
    const out: { name?: Msg; ports?: Msg; ip?: Msg; prefixLength?: Msg } = {};
    const ne = interfaceNameError(i.name);
    if (ne) out.name = ne;
    else if (names.has(i.name.trim())) out.name = { key: tKey('Interface {{name}} is listed twice'), vars: { name: i.name.trim() } };
    names.add(i.name.trim());
    const bad = portList(i.ports).find((p) => interfaceNameError(p) !== undefined || p === i.name.trim());
    if (bad) out.ports = { key: tKey('Port {{name}} is not a valid interface name for this bridge'), vars: { name: bad } };
    if (i.ipv4 === 'static') {
      if (!isIpv4(i.ip.trim())) out.ip = { key: tKey('Enter an IPv4 address such as 192.168.95.1') };
      const p = i.prefixLength.trim();
      if (!/^\d{1,2}$/.test(p) || Number(p) > 32) out.prefixLength = { key: tKey('Prefix length must be a whole number from 0 to 32') };
    }
    return out;
  });
  return errors;
}

export function hasErrors(e: FormErrors): boolean {
  return e.name !== undefined || e.interfacesList !== undefined
    || e.selector.some((s) => s.key || s.value) || e.interfaces.some((i) => Object.keys(i).length > 0);
}
