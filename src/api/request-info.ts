// Parses a Kubernetes REST path into what it addresses (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go).

export interface ResourcePath {
  group: string;
  version: string;
  /** Plural resource name, e.g. `configmaps`. */
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export type ParsedPath =
  | { type: 'resource'; path: ResourcePath }
  | { type: 'other'; path: string };

function decode(seg: string): string {
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

/** Namespaces are the one resource whose item has subresources at `/namespaces/{name}/{sub}`. */
const namespaceSubresources = new Set(['status', 'finalize']);

export function parsePath(pathname: string): ParsedPath {
  const parts = pathname.split('/').filter((p) => p !== '').map(decode);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return { type: 'other', path: pathname };
  }
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && namespaceSubresources.has(rest[2]!))) {
    const [, namespace, resource, name, subresource, ...extra] = rest;
    if (extra.length > 0) return { type: 'other', path: pathname };
    const p: ResourcePath = { group, version, resource: resource!, namespace: namespace! };
    if (name !== undefined) p.name = name;
    if (subresource !== undefined) p.subresource = subresource;
    return { type: 'resource', path: p };
  }
  const [resource, name, subresource, ...extra] = rest;
  if (extra.length > 0 || resource === undefined) return { type: 'other', path: pathname };
  const p: ResourcePath = { group, version, resource };
  if (name !== undefined) p.name = name;
  if (subresource !== undefined) p.subresource = subresource;
  return { type: 'resource', path: p };
}

/** Storage keys: `/registry/<group|core>/<plural>/[<ns>/]<name>`. Group, not version: one object, many views. */
export function objectKey(group: string, plural: string, namespace: string | undefined, name: string): string {
  return namespace === undefined
    ? `/registry/${group || 'core'}/${plural}/${name}`
    : `/registry/${group || 'core'}/${plural}/${namespace}/${name}`;
}

export function collectionPrefix(group: string, plural: string, namespace: string | undefined): string {
  return namespace === undefined
    ? `/registry/${group || 'core'}/${plural}/`
    : `/registry/${group || 'core'}/${plural}/${namespace}/`;
}
