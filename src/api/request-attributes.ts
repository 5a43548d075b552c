// Pure: what a request asks to do, in the terms authorization and audit use (k8s.io/apiserver's
// authorizer.Attributes): who, verb, API group, resource, subresource, namespace, name; or a non-resource path.
import type { User } from './authn.js';
import { parsePath } from './request-info.js';

export interface RequestAttributes {
  user: User;
  verb: string;
  /** True for `/api/…` and `/apis/…` paths that address a resource; false for `/version`, `/apis`, … */
  resourceRequest: boolean;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  /** The URL path (for non-resource requests, what rules' nonResourceURLs match). */
  path: string;
}

const METHOD_VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' };

export function requestAttributes(user: User, method: string, url: URL, upgrade = false): RequestAttributes {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const parsed = parsePath(path);
  const m = method.toUpperCase();
  if (parsed.type !== 'resource') {
    return { user, verb: m.toLowerCase(), resourceRequest: false, apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '', path };
  }
  const p = parsed.path;
  const watch = url.searchParams.get('watch');
  let verb: string;
  if (m === 'GET' || m === 'HEAD') {
    if (watch === 'true' || watch === '1') verb = 'watch';
    else verb = p.name === undefined ? 'list' : 'get';
  } else if (m === 'DELETE') {
    verb = p.name === undefined ? 'deletecollection' : 'delete';
  } else {
    verb = METHOD_VERBS[m] ?? m.toLowerCase();
  }
  // a WebSocket upgrade to a subresource (the serial console) is a get of it, as for pods/exec
  if (upgrade && p.subresource !== undefined && verb !== 'watch') verb = 'get';
  // `/api/v1/namespaces/NAME` is the namespace itself: its name is the object, not a namespace scope
  const isNamespaceObject = p.group === '' && p.resource === 'namespaces';
  return {
    user, verb, resourceRequest: true, apiGroup: p.group, apiVersion: p.version, resource: p.resource,
    subresource: p.subresource ?? '', namespace: isNamespaceObject ? (p.name ?? '') : (p.namespace ?? ''),
    name: p.name ?? '', path,
  };
}
