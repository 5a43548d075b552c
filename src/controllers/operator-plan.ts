// Pure decisions of the operator controller (OLM's catalog operator and OLM operator, reduced to what
// virtnet's catalog needs): the catalog it seeds, how a Subscription resolves against it (with OLM's
// resolution-failure words), the ClusterServiceVersion a resolved Subscription installs, the CSV's phase
// walk, and the Subscription's status.
import type { KubeObject } from '../common/object.js';
import { deepEqual } from '../common/object.js';
import {
  CATALOG_SOURCE, CATALOG_SOURCE_DISPLAY_NAME, CATALOG_SOURCE_NAMESPACE, CATALOG_SOURCE_PUBLISHER, NMSTATE_PACKAGE,
  OPERATORS_API_VERSION, PACKAGE_LABEL,
} from '../apis/operators.virtnet.io/names.js';
import type { PackageChannel, PackageManifest } from '../apis/operators.virtnet.io/v1/package-manifest.js';
import { mergeConditions, type Condition } from './nncp/conditions.js';

export { NMSTATE_PACKAGE, PACKAGE_LABEL };

const NMSTATE_VERSION = '4.18.0';
export const NMSTATE_CSV = `${NMSTATE_PACKAGE}.v${NMSTATE_VERSION}`;

/** The catalog virtnet ships: one PackageManifest per installable component. */
export function catalogPackages(): KubeObject[] {
  const nmstate: PackageManifest = {
    apiVersion: OPERATORS_API_VERSION,
    kind: 'PackageManifest',
    metadata: {
      name: NMSTATE_PACKAGE,
      labels: {
        catalog: CATALOG_SOURCE,
        'catalog-namespace': CATALOG_SOURCE_NAMESPACE,
        'operatorframework.io/arch.amd64': 'supported',
        'operatorframework.io/os.linux': 'supported',
      },
    },
    spec: {},
    status: {
      catalogSource: CATALOG_SOURCE,
      catalogSourceDisplayName: CATALOG_SOURCE_DISPLAY_NAME,
      catalogSourcePublisher: CATALOG_SOURCE_PUBLISHER,
      catalogSourceNamespace: CATALOG_SOURCE_NAMESPACE,
      provider: { name: 'Red Hat' },
      packageName: NMSTATE_PACKAGE,
      defaultChannel: 'stable',
      channels: [{
        name: 'stable',
        currentCSV: NMSTATE_CSV,
        currentCSVDesc: {
          displayName: 'Kubernetes NMState Operator',
          version: NMSTATE_VERSION,
          provider: { name: 'Red Hat' },
          description: 'The Kubernetes NMState Operator installs the NMState handler on the cluster\'s nodes. Once '
            + 'installed, create the NMState instance (`nmstate.io/v1` NMState, name `nmstate`): a handler then runs on '
            + 'every node its nodeSelector matches, reports the node\'s network state as a NodeNetworkState, and applies '
            + 'NodeNetworkConfigurationPolicies declaratively, with probes and automatic rollback.',
          keywords: ['nmstate', 'networking', 'NodeNetworkConfigurationPolicy', 'NodeNetworkState'],
          links: [{ name: 'Kubernetes NMState', url: 'https://github.com/nmstate/kubernetes-nmstate' }],
          maintainers: [{ name: 'Red Hat', email: 'nmstate-team@redhat.com' }],
          maturity: 'stable',
          annotations: {
            capabilities: 'Basic Install',
            categories: 'Networking',
            'operatorframework.io/suggested-namespace': 'openshift-nmstate',
            support: 'Red Hat',
          },
          installModes: [
            { type: 'OwnNamespace', supported: true },
            { type: 'SingleNamespace', supported: true },
            { type: 'MultiNamespace', supported: false },
            { type: 'AllNamespaces', supported: true },
          ],
          customresourcedefinitions: {
            owned: [{ name: 'nmstates.nmstate.io', version: 'v1', kind: 'NMState', displayName: 'NMState', description: 'Represents an NMState deployment.' }],
          },
        },
        entries: [{ name: NMSTATE_CSV, version: NMSTATE_VERSION }],
      }],
    },
  };
  return [nmstate as KubeObject];
}

interface SubscriptionSpec {
  name?: string;
  source?: string;
  sourceNamespace?: string;
  channel?: string;
  startingCSV?: string;
}

export type Resolution =
  | { ok: true; pkg: KubeObject; channel: PackageChannel; csvName: string }
  | { ok: false; message: string };

/**
 * Resolves a Subscription against the catalog as OLM's resolver does; failures carry the resolver's
 * words, wrapped as the `ResolutionFailed` condition shows them.
 */
export function resolveSubscription(sub: KubeObject, packages: readonly KubeObject[]): Resolution {
  const spec = (sub.spec ?? {}) as SubscriptionSpec;
  const subName = sub.metadata.name ?? '';
  const fail = (why: string): Resolution => ({ ok: false, message: `constraints not satisfiable: ${why}, subscription ${subName} exists` });
  const inCatalog = packages.filter((p) => {
    const st = (p as PackageManifest).status;
    return st?.catalogSource === spec.source && st?.catalogSourceNamespace === spec.sourceNamespace;
  });
  if (inCatalog.length === 0) {
    return fail(`no operators found from catalog ${spec.source ?? ''} in namespace ${spec.sourceNamespace ?? ''} referenced by subscription ${subName}`);
  }
  const pkg = inCatalog.find((p) => (p as PackageManifest).status?.packageName === spec.name);
  const st = (pkg as PackageManifest | undefined)?.status;
  if (!pkg || !st) return fail(`no operators found in package ${spec.name ?? ''} in the catalog referenced by subscription ${subName}`);
  const channelName = spec.channel || st.defaultChannel;
  const channel = st.channels.find((c) => c.name === channelName);
  if (!channel) {
    return fail(`no operators found in channel ${channelName} of package ${st.packageName} in the catalog referenced by subscription ${subName}`);
  }
  if (spec.startingCSV && spec.startingCSV !== channel.currentCSV && !(channel.entries ?? []).some((e) => e.name === spec.startingCSV)) {
    return fail(`no operators found with name ${spec.startingCSV} in channel ${channelName} of package ${st.packageName} in the catalog referenced by subscription ${subName}`);
  }
  return { ok: true, pkg, channel, csvName: channel.currentCSV };
}

/** The ClusterServiceVersion a resolved Subscription installs in its namespace, owned by the Subscription. */
export function desiredCsv(sub: KubeObject, r: Extract<Resolution, { ok: true }>): KubeObject {
  const d = r.channel.currentCSVDesc ?? {};
  const pkgName = (r.pkg as PackageManifest).status?.packageName ?? '';
  const namespace = sub.metadata.namespace ?? '';
  const spec: Record<string, unknown> = {
    displayName: d.displayName ?? pkgName,
    install: { strategy: 'deployment' },
  };
  for (const k of ['description', 'version', 'provider', 'keywords', 'links', 'maintainers', 'maturity', 'installModes', 'customresourcedefinitions', 'minKubeVersion', 'icon'] as const) {
    if (d[k] !== undefined) spec[k] = d[k];
  }
  return {
    apiVersion: OPERATORS_API_VERSION,
    kind: 'ClusterServiceVersion',
    metadata: {
      name: r.csvName,
      namespace,
      labels: { [PACKAGE_LABEL]: pkgName },
      annotations: { ...(d.annotations ?? {}), 'olm.operatorNamespace': namespace },
      ownerReferences: [{
        apiVersion: OPERATORS_API_VERSION, kind: 'Subscription', name: sub.metadata.name ?? '', uid: sub.metadata.uid ?? '',
        controller: true, blockOwnerDeletion: true,
      }],
    },
    spec,
  };
}

export interface CsvCondition {
  phase: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CsvStatus {
  phase?: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  conditions?: CsvCondition[];
}

/** OLM's phase walk (olm/operator.go transitionCSVState) with its reasons and messages. */
const CSV_STEPS: Record<string, { phase: string; reason: string; message: string }> = {
  '': { phase: 'Pending', reason: 'RequirementsUnknown', message: 'requirements not yet checked' },
  Pending: { phase: 'InstallReady', reason: 'AllRequirementsMet', message: 'all requirements found, attempting install' },
  InstallReady: { phase: 'Installing', reason: 'InstallSucceeded', message: 'waiting for install components to report healthy' },
  Installing: { phase: 'Succeeded', reason: 'InstallSucceeded', message: 'install strategy completed with no errors' },
};

/** The CSV's next status, one phase further; undefined once Succeeded (or in a phase we never enter). */
export function nextCsvStatus(status: CsvStatus | undefined, now: string): CsvStatus | undefined {
  const step = CSV_STEPS[status?.phase ?? ''];
  if (!step) return undefined;
  const cond: CsvCondition = { ...step, lastUpdateTime: now, lastTransitionTime: now };
  return {
    ...status,
    ...cond,
    conditions: [...(status?.conditions ?? []), cond],
  };
}

export interface SubscriptionStatus {
  currentCSV?: string;
  installedCSV?: string;
  state?: string;
  conditions?: Condition[];
  lastUpdated?: string;
}

const CATALOGS_HEALTHY: Condition = {
  type: 'CatalogSourcesUnhealthy', status: 'False', reason: 'AllCatalogSourcesHealthy', message: 'all available catalogsources are healthy',
};

/**
 * The Subscription's status: resolved → currentCSV, then installedCSV and `AtLatestKnown` once its CSV
 * exists (`UpgradePending` before); unresolved → `ResolutionFailed`/`ConstraintsNotSatisfiable`.
 * Returns undefined when the current status already says the same (times aside).
 */
export function subscriptionStatus(sub: KubeObject, r: Resolution, csvExists: boolean, now: string): SubscriptionStatus | undefined {
  const old = (sub.status ?? {}) as SubscriptionStatus;
  let next: SubscriptionStatus;
  if (!r.ok) {
    next = { conditions: [CATALOGS_HEALTHY, { type: 'ResolutionFailed', status: 'True', reason: 'ConstraintsNotSatisfiable', message: r.message }] };
  } else if (csvExists) {
    next = { currentCSV: r.csvName, installedCSV: r.csvName, state: 'AtLatestKnown', conditions: [CATALOGS_HEALTHY] };
  } else {
    next = { currentCSV: r.csvName, state: 'UpgradePending', conditions: [CATALOGS_HEALTHY] };
  }
  const strip = (s: SubscriptionStatus): unknown => ({
    ...s,
    lastUpdated: undefined,
    conditions: (s.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message })),
  });
  if (deepEqual(JSON.parse(JSON.stringify(strip(old))), JSON.parse(JSON.stringify(strip(next))))) return undefined;
  return { ...next, conditions: mergeConditions(old.conditions, next.conditions ?? [], now), lastUpdated: now };
}

/** Is the package installed: some CSV of it (labelled with the package) has Succeeded? */
export function packageInstalled(csvs: readonly KubeObject[], pkg: string): boolean {
  return csvs.some((c) => c.metadata.labels?.[PACKAGE_LABEL] === pkg && !c.metadata.deletionTimestamp
    && (c.status as CsvStatus | undefined)?.phase === 'Succeeded');
}
