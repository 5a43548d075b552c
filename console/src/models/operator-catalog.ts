// Pure: OperatorHub from the catalog's PackageManifests: tiles, the keyword filter, the install form's
// defaults and the objects Install creates (the Namespace when missing, and the Subscription as the
// OpenShift console writes it: channel, approval, source and startingCSV).

export const OPERATORS_API_VERSION = 'operators.virtnet.io/v1';
/** Where "All namespaces on the cluster" installs, as in OpenShift. */
export const GLOBAL_OPERATORS_NAMESPACE = 'openshift-operators';
const SUGGESTED_NS = 'operatorframework.io/suggested-namespace';

interface CsvDesc {
  displayName?: string;
  version?: string;
  provider?: { name?: string };
  description?: string;
  keywords?: string[];
  annotations?: Record<string, string>;
  installModes?: { type: string; supported: boolean }[];
  customresourcedefinitions?: { owned?: { name: string; version: string; kind: string; displayName?: string; description?: string }[] };
}

export interface Channel { name: string; currentCSV: string; currentCSVDesc?: CsvDesc }

export interface PackageManifestLike {
  metadata: { name: string };
  status?: {
    catalogSource?: string;
    catalogSourceDisplayName?: string;
    catalogSourceNamespace?: string;
    provider?: { name?: string };
    packageName?: string;
    defaultChannel?: string;
    channels?: Channel[];
  };
}

export interface Tile {
  name: string;
  displayName: string;
  provider: string;
  catalog: string;
  version: string;
  description: string;
  /** First sentence of the description, as the tile shows it. */
  summary: string;
  categories: string[];
  capabilities: string;
  keywords: string[];
  defaultChannel: string;
  channels: string[];
  suggestedNamespace: string | undefined;
  providedAPIs: { kind: string; displayName: string; description: string }[];
  supportsAllNamespaces: boolean;
  supportsOwnNamespace: boolean;
}

export function defaultChannelOf(pkg: PackageManifestLike): Channel | undefined {
  const chs = pkg.status?.channels ?? [];
  return chs.find((c) => c.name === pkg.status?.defaultChannel) ?? chs[0];
}

export function channelOf(pkg: PackageManifestLike, name: string): Channel | undefined {
  return (pkg.status?.channels ?? []).find((c) => c.name === name) ?? defaultChannelOf(pkg);
}

export function tileOf(pkg: PackageManifestLike): Tile {
  const ch = defaultChannelOf(pkg);
  const d = ch?.currentCSVDesc ?? {};
  const ann = d.annotations ?? {};
  const description = d.description ?? '';
  const mode = (t: string): boolean => (d.installModes ?? []).some((m) => m.type === t && m.supported);
  return {
    name: pkg.metadata.name,
    displayName: d.displayName ?? pkg.status?.packageName ?? pkg.metadata.name,
    provider: d.provider?.name ?? pkg.status?.provider?.name ?? '',
    catalog: pkg.status?.catalogSourceDisplayName ?? pkg.status?.catalogSource ?? '',
    version: d.version ?? '',
    description,
    summary: /^[^.]*\.?/.exec(description)?.[0] ?? '',
    categories: (ann.categories ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    capabilities: ann.capabilities ?? '',
    keywords: d.keywords ?? [],
    defaultChannel: ch?.name ?? '',
    channels: (pkg.status?.channels ?? []).map((c) => c.name),
    suggestedNamespace: ann[SUGGESTED_NS] || undefined,
    providedAPIs: (d.customresourcedefinitions?.owned ?? []).map((o) => ({ kind: o.kind, displayName: o.displayName ?? o.kind, description: o.description ?? '' })),
    supportsAllNamespaces: mode('AllNamespaces'),
    supportsOwnNamespace: mode('OwnNamespace') || mode('SingleNamespace'),
  };
}

/** OperatorHub's "Filter by keyword...": name, display name, provider, keywords, categories. */
export function filterTiles(tiles: readonly Tile[], keyword: string): Tile[] {
  const k = keyword.trim().toLowerCase();
  const hits = k ? tiles.filter((t) => [t.name, t.displayName, t.provider, ...t.keywords, ...t.categories].some((s) => s.toLowerCase().includes(k))) : [...tiles];
  return hits.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export type InstallMode = 'AllNamespaces' | 'OwnNamespace';
export type Approval = 'Automatic' | 'Manual';

export interface InstallForm {
  channel: string;
  mode: InstallMode;
  namespace: string;
  approval: Approval;
}

/**
 * The install page's defaults: the default channel; a suggested namespace forces "A specific namespace"
 * with that namespace (as OpenShift does for NMState → openshift-nmstate).
 */
export function defaultInstallForm(tile: Tile): InstallForm {
  const specific = tile.suggestedNamespace !== undefined || !tile.supportsAllNamespaces;
  return {
    channel: tile.defaultChannel,
    mode: specific ? 'OwnNamespace' : 'AllNamespaces',
    namespace: specific ? tile.suggestedNamespace ?? '' : GLOBAL_OPERATORS_NAMESPACE,
    approval: 'Automatic',
  };
}

export function installNamespace(form: InstallForm): string {
  return form.mode === 'AllNamespaces' ? GLOBAL_OPERATORS_NAMESPACE : form.namespace.trim();
}

export interface SubscriptionObject {
  apiVersion: string;
  kind: 'Subscription';
  metadata: { name: string; namespace: string };
  spec: { channel: string; installPlanApproval: Approval; name: string; source: string; sourceNamespace: string; startingCSV: string };
}

export function subscriptionFor(pkg: PackageManifestLike, form: InstallForm): SubscriptionObject {
  const ch = channelOf(pkg, form.channel);
  return {
    apiVersion: OPERATORS_API_VERSION,
    kind: 'Subscription',
    metadata: { name: pkg.metadata.name, namespace: installNamespace(form) },
    spec: {
      channel: ch?.name ?? form.channel,
      installPlanApproval: form.approval,
      name: pkg.status?.packageName ?? pkg.metadata.name,
      source: pkg.status?.catalogSource ?? '',
      sourceNamespace: pkg.status?.catalogSourceNamespace ?? '',
      startingCSV: ch?.currentCSV ?? '',
    },
  };
}

export function namespaceObject(name: string): { apiVersion: 'v1'; kind: 'Namespace'; metadata: { name: string } } {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
