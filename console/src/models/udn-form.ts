// Pure: the Create UserDefinedNetwork / ClusterUserDefinedNetwork modals → the objects they create, their
// validation, and what the list shows of each network. The objects are what the OpenShift 4.18 console
// writes (networking-console-plugin src/views/udns/list/components/utils.ts): a Layer2 Primary network with
// Persistent IPAM; the UDN is always named `primary-udn`.
import { isIpv4 } from '../../../src/common/ipv4.js';
import { nameMessage, tKey, type FieldMessage } from './nad-udn-fields.js';

export const PRIMARY_UDN_NAME = 'primary-udn';
export const PRIMARY_UDN_LABEL = 'k8s.ovn.org/primary-user-defined-network';

interface Layer2Primary {
  role: 'Primary';
  subnets: string[];
  ipam: { lifecycle: 'Persistent' };
}

export interface UdnObject {
  apiVersion: 'k8s.ovn.org/v1';
  kind: 'UserDefinedNetwork';
  metadata: { name: string; namespace: string };
  spec: { topology: 'Layer2'; layer2: Layer2Primary };
}

export interface CudnObject {
  apiVersion: 'k8s.ovn.org/v1';
  kind: 'ClusterUserDefinedNetwork';
  metadata: { name: string };
  spec: { namespaceSelector: { matchLabels: Record<string, string> }; network: { topology: 'Layer2'; layer2: Layer2Primary } };
}

/** "a, b" → ["a", "b"]: the Subnet field takes comma-separated CIDRs. */
export function parseSubnets(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function ipv6(s: string): boolean {
  const halves = s.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): number | undefined => {
    if (part === '') return 0;
    let n = 0;
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      if (i === fields.length - 1 && f.includes('.')) {
        if (!isIpv4(f)) return undefined;
        n += 2;
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) {
        n += 1;
      } else {
        return undefined;
      }
    }
    return n;
  };
  const counts = halves.map(groups);
  if (counts.some((c) => c === undefined)) return false;
  const total = counts.reduce<number>((a, c) => a + c!, 0);
  return halves.length === 1 ? total === 8 : total <= 7;
}

/** The IP family of a CIDR (host bits may be set, as the API's CEL isCIDR allows), or undefined. */
export function cidrFamily(cidr: string): 4 | 6 | undefined {
  const m = /^([^/]+)\/(0|[1-9]\d{0,2})$/.exec(cidr);
  if (!m || cidr.length > 43) return undefined;
  const bits = Number(m[2]);
  if (isIpv4(m[1]!) && bits <= 32) return 4;
  if (ipv6(m[1]!) && bits <= 128) return 6;
  return undefined;
}

export function subnetsMessage(text: string): FieldMessage | undefined {
  const subnets = parseSubnets(text);
  if (subnets.length === 0) return { text: tKey('Subnet is required') };
  const bad = subnets.find((s) => cidrFamily(s) === undefined);
  if (bad !== undefined) return { text: tKey('Invalid CIDR: {{cidr}}'), vars: { cidr: bad } };
  if (subnets.length > 2) return { text: tKey('At most 2 subnets, one per IP family') };
  if (subnets.length === 2 && cidrFamily(subnets[0]!) === cidrFamily(subnets[1]!)) {
    return { text: tKey('When 2 CIDRs are set, they must be from different IP families') };
  }
  return undefined;
}

export function projectMessage(project: string): FieldMessage | undefined {
  return project === '' ? { text: tKey('Project name is required') } : undefined;
}

const layer2 = (subnets: string[]): Layer2Primary => ({ role: 'Primary', subnets, ipam: { lifecycle: 'Persistent' } });

export function udnFromForm(f: { project: string; subnets: string }): UdnObject {
  return {
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'UserDefinedNetwork',
    metadata: { name: PRIMARY_UDN_NAME, namespace: f.project },
    spec: { topology: 'Layer2', layer2: layer2(parseSubnets(f.subnets)) },
  };
}

// Label syntax (k8s.io/apimachinery validation IsQualifiedName / IsValidLabelValue).
const LABEL_NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyOk(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length > 0 && name.length <= 63 && LABEL_NAME.test(name);
}

const labelValueOk = (v: string): boolean => v === '' || (v.length <= 63 && LABEL_NAME.test(v));

/** "a=b, c=d" (commas or new lines) → matchLabels, or the message for the first bad entry. */
export function parseMatchLabels(text: string): { labels: Record<string, string>; error?: FieldMessage } {
  const labels: Record<string, string> = {};
  for (const raw of text.split(/[,\n]/).map((s) => s.trim()).filter((s) => s !== '')) {
    const eq = raw.indexOf('=');
    const key = (eq >= 0 ? raw.slice(0, eq) : raw).trim();
    const value = eq >= 0 ? raw.slice(eq + 1).trim() : '';
    if (eq < 0 || !labelKeyOk(key) || !labelValueOk(value)) {
      return { labels, error: { text: tKey('Invalid label {{label}}: use key=value'), vars: { label: raw } } };
    }
    labels[key] = value;
  }
  return { labels };
}

export function matchLabelsMessage(text: string): FieldMessage | undefined {
  const { labels, error } = parseMatchLabels(text);
  if (error) return error;
  return Object.keys(labels).length === 0 ? { text: tKey('At least one label is required') } : undefined;
}

export function cudnNameMessage(name: string): FieldMessage | undefined {
  return nameMessage(name);
}

export function cudnFromForm(f: { name: string; subnets: string; matchLabels: string }): CudnObject {
  return {
    apiVersion: 'k8s.ovn.org/v1',
    kind: 'ClusterUserDefinedNetwork',
    metadata: { name: f.name },
    spec: {
      namespaceSelector: { matchLabels: parseMatchLabels(f.matchLabels).labels },
      network: { topology: 'Layer2', layer2: layer2(parseSubnets(f.subnets)) },
    },
  };
}

/** The namespaces a matchLabels selector picks (the modal's "Review selected Namespace(s)"). */
export function selectedNamespaces(namespaces: readonly { metadata: { name: string; labels?: Record<string, string> } }[], matchLabels: Record<string, string>): string[] {
  const entries = Object.entries(matchLabels);
  if (entries.length === 0) return [];
  return namespaces
    .filter((n) => entries.every(([k, v]) => n.metadata.labels?.[k] === v))
    .map((n) => n.metadata.name)
    .sort();
}
