// Every kind virtnet serves, and the lookups the API server, discovery and CLI need.
import type { KindDef } from './kind.js';
import { configMapKind } from './core/v1/configmap.js';
import { eventKind } from './core/v1/event.js';
import { namespaceKind } from './core/v1/namespace.js';
import { nodeKind } from './core/v1/node.js';
import { podKind } from './core/v1/pod.js';
import { secretKind } from './core/v1/secret.js';
import { leaseKind } from './coordination.k8s.io/v1/lease.js';
import { clusterRoleBindingKind } from './rbac.authorization.k8s.io/v1/cluster-role-binding.js';
import { clusterRoleKind } from './rbac.authorization.k8s.io/v1/cluster-role.js';
import { roleBindingKind } from './rbac.authorization.k8s.io/v1/role-binding.js';
import { roleKind } from './rbac.authorization.k8s.io/v1/role.js';
import { nmstateKind } from './nmstate.io/v1/nmstate.js';
import { nncpKind } from './nmstate.io/v1/node-network-configuration-policy.js';
import { nnceKind } from './nmstate.io/v1beta1/node-network-configuration-enactment.js';
import { nnsKind } from './nmstate.io/v1beta1/node-network-state.js';
import { nadKind } from './k8s.cni.cncf.io/v1/network-attachment-definition.js';
import { ipamClaimKind } from './k8s.cni.cncf.io/v1alpha1/ipamclaim.js';
import { cudnKind } from './k8s.ovn.org/v1/cluster-user-defined-network.js';
import { udnKind } from './k8s.ovn.org/v1/user-defined-network.js';
import { vmimKind } from './kubevirt.io/v1/virtual-machine-instance-migration.js';
import { vmiKind } from './kubevirt.io/v1/virtual-machine-instance.js';
import { vmKind } from './kubevirt.io/v1/virtual-machine.js';
import { dataSourceKind } from './cdi.kubevirt.io/v1beta1/data-source.js';
import { dataVolumeKind } from './cdi.kubevirt.io/v1beta1/data-volume.js';
import { packageManifestKind } from './operators.virtnet.io/v1/package-manifest.js';
import { subscriptionKind } from './operators.virtnet.io/v1/subscription.js';
import { csvKind } from './operators.virtnet.io/v1/cluster-service-version.js';

export const allKinds: readonly KindDef[] = [
  namespaceKind, nodeKind, eventKind, secretKind, configMapKind, podKind,
  leaseKind,
  roleKind, clusterRoleKind, roleBindingKind, clusterRoleBindingKind,
  nmstateKind, nncpKind, nnsKind, nnceKind,
  nadKind, ipamClaimKind,
  udnKind, cudnKind,
  vmKind, vmiKind, vmimKind,
  dataVolumeKind, dataSourceKind,
  packageManifestKind, subscriptionKind, csvKind,
];

/** Built-in groups in kube-apiserver's discovery order; CRD groups follow alphabetically. */
const BUILT_IN_GROUP_ORDER = ['', 'rbac.authorization.k8s.io', 'coordination.k8s.io'];

/** Kubernetes version priority (apimachinery version.CompareKubeAwareVersionStrings): GA > beta > alpha, higher first. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    const level = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
    return [level, -Number(m[1]), -Number(m[3] ?? 0), ''];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return (ra[i] as number) - (rb[i] as number);
  return ra[3] < rb[3] ? -1 : ra[3] > rb[3] ? 1 : 0;
}

function groupRank(group: string): [number, string] {
  const i = BUILT_IN_GROUP_ORDER.indexOf(group);
  return i >= 0 ? [i, ''] : [BUILT_IN_GROUP_ORDER.length, group];
}

export interface GroupVersions {
  group: string;
  /** Preference order: the first is the group's preferred version. */
  versions: string[];
}

/** Served groups in discovery order, each with its versions, preferred first. */
export function servedGroups(kinds: readonly KindDef[] = allKinds): GroupVersions[] {
  const byGroup = new Map<string, Set<string>>();
  for (const k of kinds) {
    const vs = byGroup.get(k.group) ?? new Set<string>();
    for (const v of k.versions) vs.add(v);
    byGroup.set(k.group, vs);
  }
  return [...byGroup.entries()]
    .map(([group, vs]) => ({ group, versions: [...vs].sort(compareKubeVersions) }))
    .sort((a, b) => {
      const [ra, na] = groupRank(a.group);
      const [rb, nb] = groupRank(b.group);
      return ra !== rb ? ra - rb : na < nb ? -1 : na > nb ? 1 : 0;
    });
}

const byResource = new Map<string, KindDef>();
const byGroupKind = new Map<string, KindDef>();
const byGroupResource = new Map<string, KindDef>();
for (const k of allKinds) {
  for (const v of k.versions) byResource.set(`${k.group}/${v}/${k.plural}`, k);
  byGroupKind.set(`${k.group}/${k.kind}`, k);
  byGroupResource.set(`${k.group}/${k.plural}`, k);
}

/** The kind served at /api(s)/<group>/<version>/<plural>, if that version serves it. */
export function kindByResource(group: string, version: string, plural: string): KindDef | undefined {
  return byResource.get(`${group}/${version}/${plural}`);
}

export function kindByGroupResource(group: string, plural: string): KindDef | undefined {
  return byGroupResource.get(`${group}/${plural}`);
}

export function kindByGroupKind(group: string, kind: string): KindDef | undefined {
  return byGroupKind.get(`${group}/${kind}`);
}

/** `group/version` of apiVersion strings, `v1` for the core group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** The kind of an object's apiVersion + kind, if served at that version. */
export function kindByApiVersion(apiVersion: string, kind: string): KindDef | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const def = byGroupKind.get(`${group}/${kind}`);
  return def && def.versions.includes(version) ? def : undefined;
}

export interface ResourceMatch {
  def: KindDef;
  /** The version named in the argument, else the kind's preferred version. */
  version: string;
}

function nameMatches(def: KindDef, name: string): boolean {
  const n = name.toLowerCase();
  return def.plural === n || def.singular === n || def.shortNames.includes(n) || def.kind.toLowerCase() === n;
}

/**
 * Resolves a CLI resource argument the way kubectl does: `vm`, `vms`, `virtualmachine`,
 * `VirtualMachine`, `virtualmachines.kubevirt.io`, `virtualmachines.v1.kubevirt.io`, `nns.v1beta1.nmstate.io`.
 * Several matches (a name used by more than one group) come in discovery order.
 */
export function resolveResource(arg: string, kinds: readonly KindDef[] = allKinds): ResourceMatch[] {
  const dot = arg.indexOf('.');
  const name = dot < 0 ? arg : arg.slice(0, dot);
  const rest = dot < 0 ? '' : arg.slice(dot + 1);
  const order = servedGroups(kinds).map((g) => g.group);
  const out: ResourceMatch[] = [];
  for (const def of kinds) {
    if (!nameMatches(def, name)) continue;
    if (rest === '') {
      out.push({ def, version: def.versions[0]! });
      continue;
    }
    if (rest === def.group) {
      out.push({ def, version: def.versions[0]! });
      continue;
    }
    // `<version>.<group>` (for the core group: `<name>.v1`, group empty).
    const vdot = rest.indexOf('.');
    const version = vdot < 0 ? rest : rest.slice(0, vdot);
    const group = vdot < 0 ? '' : rest.slice(vdot + 1);
    if (group === def.group && def.versions.includes(version)) out.push({ def, version });
  }
  return out.sort((a, b) => order.indexOf(a.def.group) - order.indexOf(b.def.group));
}

/** Kinds in a category (`kubectl get all`). */
export function kindsInCategory(category: string, kinds: readonly KindDef[] = allKinds): KindDef[] {
  return kinds.filter((k) => k.categories.includes(category));
}
