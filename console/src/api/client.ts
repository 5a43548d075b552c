// REST calls with the signed-in token; failures become ApiError carrying the server's Status.
import { authEvents, getToken } from './auth';
import { resourcePath, type Model } from './models';
import type { K8sObject, Status } from './types';

export class ApiError extends Error {
  constructor(readonly status: Status, readonly code: number) {
    super(status.message ?? `HTTP ${code}`);
  }
}

export async function request<T>(path: string, init: RequestInit & { contentType?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = init.contentType ?? 'application/json';
  const res = await fetch(path, { ...init, headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { kind: 'Status', message: text, code: res.status };
  }
  if (!res.ok) {
    if (res.status === 401) authEvents.dispatchEvent(new Event('unauthorized'));
    const st = (body && typeof body === 'object' && (body as Status).kind === 'Status') ? body as Status
      : { kind: 'Status', message: `HTTP ${res.status}`, code: res.status } as Status;
    throw new ApiError(st, res.status);
  }
  return body as T;
}

export function k8sGet<T extends K8sObject = K8sObject>(model: Model, name: string, ns?: string): Promise<T> {
  return request<T>(resourcePath(model, { ns, name }));
}

export async function k8sList<T extends K8sObject = K8sObject>(model: Model, ns?: string, query = ''): Promise<{ items: T[]; metadata: { resourceVersion: string } }> {
  return request(resourcePath(model, { ns }) + query);
}

export function k8sCreate<T extends K8sObject = K8sObject>(model: Model, obj: K8sObject, opts: { dryRun?: boolean } = {}): Promise<T> {
  const q = opts.dryRun ? '?dryRun=All' : '';
  return request<T>(resourcePath(model, { ns: obj.metadata.namespace }) + q, { method: 'POST', body: JSON.stringify(obj) });
}

export function k8sUpdate<T extends K8sObject = K8sObject>(model: Model, obj: K8sObject): Promise<T> {
  return request<T>(resourcePath(model, { ns: obj.metadata.namespace, name: obj.metadata.name }), { method: 'PUT', body: JSON.stringify(obj) });
}

export function k8sPatch<T extends K8sObject = K8sObject>(model: Model, name: string, ns: string | undefined, patch: unknown, type: 'merge' | 'json' = 'merge', sub?: string): Promise<T> {
  const contentType = type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json';
  return request<T>(resourcePath(model, { ns, name, ...(sub ? { sub } : {}) }), { method: 'PATCH', body: JSON.stringify(patch), contentType });
}

export function k8sDelete(model: Model, name: string, ns?: string): Promise<unknown> {
  return request(resourcePath(model, { ns, name }), { method: 'DELETE' });
}

/** kubevirt's action subresources: start, stop, restart, migrate. */
export function vmAction(ns: string, name: string, action: 'start' | 'stop' | 'restart' | 'migrate'): Promise<unknown> {
  return request(`/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(ns)}/virtualmachines/${encodeURIComponent(name)}/${action}`, { method: 'PUT', body: '{}' });
}

/**
 * WebSocket subprotocols: the one the data speaks (`binary.k8s.io` for watches, `plain.kubevirt.io` for a
 * serial console) and the bearer token as kube-apiserver reads it from a subprotocol (browsers cannot set
 * an Authorization header on a WebSocket). The server selects the first, never the token.
 */
export function wsProtocols(dataProtocol: string): string[] {
  const token = getToken();
  if (!token) return [dataProtocol];
  const b64 = btoa(token).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [dataProtocol, `base64url.bearer.authorization.k8s.io.${b64}`];
}

export function wsUrl(path: string): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${path}`;
}
