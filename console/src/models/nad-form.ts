// Pure: the Create Network Attachment Definition form → the NAD it creates, and its validation.
// The object is what the OpenShift 4.18 console's form writes (networking-console-plugin
// src/views/nads/form/utils/utils.ts): config keys in the order cniVersion, name, type, bridge, ipam,
// macspoofchk, preserveDefaultVlan, vlan (vlan only when non-zero), compact JSON; annotations resourceName
// then description (only when given).
import { nameMessage, tKey, type FieldMessage } from './nad-udn-fields.js';

export const BRIDGE_TYPE = 'bridge';
export const RESOURCE_NAME_ANNOTATION = 'k8s.v1.cni.cncf.io/resourceName';
export const BRIDGE_RESOURCE_PREFIX = 'bridge.network.kubevirt.io/';

/** The Network Type choices; `supported: false` ones are listed but disabled (virtnet does not implement them). */
export const NETWORK_TYPES: readonly { value: string; label: string; supported: boolean }[] = [
  { value: BRIDGE_TYPE, label: tKey('Linux bridge'), supported: true },
  { value: 'ovn-k8s-cni-overlay', label: tKey('OVN Kubernetes L2 overlay network'), supported: false },
];

export interface NadFormInput {
  name: string;
  description: string;
  networkType: string;
  bridge: string;
  /** As typed; empty means no VLAN. */
  vlan: string;
  macspoofchk: boolean;
}

export const emptyNadForm = (): NadFormInput => ({ name: '', description: '', networkType: '', bridge: '', vlan: '', macspoofchk: true });

export type NadFormErrors = Partial<Record<'name' | 'networkType' | 'bridge' | 'vlan', FieldMessage>>;

// The bridge CNI plugin (and virtnet's agent) needs a kernel interface name.
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

export function validateNadForm(f: NadFormInput): NadFormErrors {
  const e: NadFormErrors = {};
  const name = nameMessage(f.name);
  if (name) e.name = name;
  if (f.networkType === '') e.networkType = { text: tKey('Network Type is required') };
  else if (!NETWORK_TYPES.some((t) => t.value === f.networkType && t.supported)) e.networkType = { text: tKey('This network type is not supported') };
  if (f.networkType === BRIDGE_TYPE) {
    if (f.bridge.trim() === '') e.bridge = { text: tKey('Bridge name is required') };
    else if (!IFNAME.test(f.bridge)) e.bridge = { text: tKey('Bridge name must be an interface name: at most 15 characters of letters, digits, _, . and -') };
    const v = f.vlan.trim();
    if (v !== '' && (!/^\d+$/.test(v) || Number(v) > 4094)) e.vlan = { text: tKey('VLAN tag number must be an integer between 0 and 4094') };
  }
  return e;
}

export interface NadObject {
  apiVersion: 'k8s.cni.cncf.io/v1';
  kind: 'NetworkAttachmentDefinition';
  metadata: { name: string; namespace: string; annotations: Record<string, string> };
  spec: { config: string };
}

/** The NAD the form creates in `namespace`; call only when validateNadForm found nothing. */
export function nadFromForm(f: NadFormInput, namespace: string): NadObject {
  const vlan = f.vlan.trim() === '' ? 0 : Number(f.vlan.trim());
  const config = {
    cniVersion: '0.3.1',
    name: f.name,
    type: f.networkType,
    bridge: f.bridge,
    ipam: {},
    macspoofchk: f.macspoofchk,
    preserveDefaultVlan: false,
    ...(vlan ? { vlan } : {}),
  };
  const annotations: Record<string, string> = { [RESOURCE_NAME_ANNOTATION]: `${BRIDGE_RESOURCE_PREFIX}${f.bridge}` };
  if (f.description !== '') annotations.description = f.description;
  return {
    apiVersion: 'k8s.cni.cncf.io/v1',
    kind: 'NetworkAttachmentDefinition',
    metadata: { name: f.name, namespace, annotations },
    spec: { config: JSON.stringify(config) },
  };
}
