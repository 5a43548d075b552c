// API discovery in both forms kubectl understands: aggregated (apidiscovery.k8s.io/v2) and legacy.
import type { KindDef } from '../apis/kind.js';
import type { KindIndex } from './kind-index.js';

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Which aggregated form the client accepts, if any (the response Content-Type tells kubectl which it got). */
export function acceptsAggregated(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  const parts = accept.split(',').map((p) => p.replace(/\s+/g, ''));
  if (parts.some((p) => p.startsWith('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList'))) return AGGREGATED_CONTENT_TYPE;
  if (parts.some((p) => p.startsWith('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList'))) return AGGREGATED_V2BETA1;
  return undefined;
}

function gvk(def: KindDef, version: string): { group: string; version: string; kind: string } {
  return { group: def.group, version, kind: def.kind };
}

function subresourcesOf(def: KindDef): string[] {
  const subs: string[] = [];
  if (def.subresources.status) subs.push('status');
  if (def.kind === 'Namespace') subs.push('finalize');
  return subs;
}

function aggregatedResource(def: KindDef, version: string): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: def.plural,
    singularResource: def.singular,
    scope: def.namespaced ? 'Namespaced' : 'Cluster',
    responseKind: gvk(def, version),
    verbs: ALL_VERBS,
  };
  if (def.shortNames.length > 0) r.shortNames = def.shortNames;
  if (def.categories.length > 0) r.categories = def.categories;
  const subs = subresourcesOf(def);
  if (subs.length > 0) {
    r.subresources = subs.map((s) => ({
      subresource: s,
      responseKind: gvk(def, version),
      verbs: s === 'finalize' ? ['update'] : ['get', 'patch', 'update'],
    }));
  }
  return r;
}

export function aggregatedDiscovery(index: KindIndex, legacyCore: boolean): unknown {
  const groups = index.groups.filter((g) => (g.group === '') === legacyCore);
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: index.inGroupVersion(g.group, v).map((def) => aggregatedResource(def, v)),
      })),
    })),
  };
}

export function legacyApiVersions(): unknown {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  };
}

export function legacyGroupList(index: KindIndex): unknown {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: index.groups.filter((g) => g.group !== '').map((g) => groupObject(g.group, g.versions)),
  };
}

export function groupObject(group: string, versions: string[]): Record<string, unknown> {
  return {
    kind: 'APIGroup',
    apiVersion: 'v1',
    name: group,
    versions: versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v })),
    preferredVersion: { groupVersion: `${group}/${versions[0]!}`, version: versions[0]! },
  };
}

export function legacyResourceList(index: KindIndex, group: string, version: string): unknown {
  const resources: Record<string, unknown>[] = [];
  for (const def of index.inGroupVersion(group, version)) {
    const r: Record<string, unknown> = {
      name: def.plural,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: ALL_VERBS,
    };
    if (def.shortNames.length > 0) r.shortNames = def.shortNames;
    if (def.categories.length > 0) r.categories = def.categories;
    resources.push(r);
    for (const s of subresourcesOf(def)) {
      resources.push({ name: `${def.plural}/${s}`, singularName: '', namespaced: def.namespaced, kind: def.kind, verbs: s === 'finalize' ? ['update'] : ['get', 'patch', 'update'] });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}
