// Pure: Installed Operators from ClusterServiceVersions: the Status column (the phase as the guide shows
// it, `Succeeded`), the provided APIs and the default instance "Create instance" offers for each.

export const PACKAGE_LABEL = 'operators.virtnet.io/package';

export interface CsvLike {
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: {
    displayName?: string;
    version?: string;
    provider?: { name?: string };
    description?: string;
    customresourcedefinitions?: { owned?: { name: string; version: string; kind: string; displayName?: string; description?: string }[] };
  };
  status?: { phase?: string; reason?: string; message?: string };
}

export type CsvHealth = 'success' | 'progress' | 'danger' | 'unknown';

export interface CsvSummary {
  /** The phase as OpenShift prints it, or `Unknown` before the first status. */
  phase: string;
  reason: string;
  message: string;
  health: CsvHealth;
}

const PROGRESS = ['Pending', 'InstallReady', 'Installing', 'Replacing'];

export function csvSummary(csv: CsvLike): CsvSummary {
  const phase = csv.metadata.deletionTimestamp ? 'Deleting' : csv.status?.phase || 'Unknown';
  const health: CsvHealth = phase === 'Succeeded' ? 'success'
    : phase === 'Failed' ? 'danger'
      : PROGRESS.includes(phase) || phase === 'Deleting' ? 'progress' : 'unknown';
  return { phase, reason: csv.status?.reason ?? '', message: csv.status?.message ?? '', health };
}

export interface ProvidedAPI {
  /** `nmstates.nmstate.io` */
  crd: string;
  group: string;
  version: string;
  kind: string;
  displayName: string;
  description: string;
  /** The URL segment of its tab and form, as OpenShift uses the lower-case kind (…/nmstate/~new). */
  slug: string;
}

export function providedAPIs(csv: CsvLike): ProvidedAPI[] {
  return (csv.spec?.customresourcedefinitions?.owned ?? []).map((o) => ({
    crd: o.name,
    group: o.name.slice(o.name.indexOf('.') + 1),
    version: o.version,
    kind: o.kind,
    displayName: o.displayName ?? o.kind,
    description: o.description ?? '',
    slug: o.kind.toLowerCase(),
  }));
}

/** The display name the Installed Operators list shows. */
export function csvDisplayName(csv: CsvLike): string {
  return csv.spec?.displayName || csv.metadata.name;
}

/** The CSV a Subscription installs (by its status, else by the package label) in its namespace. */
export function csvOfPackage(csvs: readonly CsvLike[], ns: string, pkg: string, named?: string): CsvLike | undefined {
  const inNs = csvs.filter((c) => c.metadata.namespace === ns);
  return (named ? inNs.find((c) => c.metadata.name === named) : undefined)
    ?? inNs.find((c) => c.metadata.labels?.[PACKAGE_LABEL] === pkg);
}

/** Installed anywhere (a Succeeded CSV of the package): the tile shows "Installed". */
export function packageInstalled(csvs: readonly CsvLike[], pkg: string): boolean {
  return csvs.some((c) => c.metadata.labels?.[PACKAGE_LABEL] === pkg && !c.metadata.deletionTimestamp && c.status?.phase === 'Succeeded');
}

/**
 * The instance "Create instance" starts from (the CSV's alm-examples in OpenShift): NMState's is the
 * guide's `nmstate` and nothing else (the handler then selects `kubernetes.io/os=linux`); others get the
 * lower-case kind as name.
 */
export function defaultInstance(api: Pick<ProvidedAPI, 'group' | 'version' | 'kind'>): InstanceObject {
  return {
    apiVersion: `${api.group}/${api.version}`,
    kind: api.kind,
    metadata: { name: api.kind === 'NMState' ? 'nmstate' : api.kind.toLowerCase() },
  };
}

export interface InstanceObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}
