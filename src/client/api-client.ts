// A small Kubernetes REST client: what controllers, node agents and the CLI use to reach the API (never
// the store). HTTPS with the server's CA and a bearer token, JSON bodies, watch streams.
import { request as httpsRequest, Agent } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../common/object.js';
import type { Status } from '../common/status-error.js';

export interface ResourceRef {
  group: string;
  version: string;
  /** Plural resource name. */
  resource: string;
  namespaced: boolean;
}

export interface ClientOptions {
  server: string;
  token: string;
  /** PEM of the CA that signed the server's certificate. */
  ca: string;
  /** Sent as User-Agent; the server derives the default field manager from it. */
  userAgent?: string;
  /** Connect through this unix socket instead of the URL's host (the certificate is still checked). */
  socketPath?: string;
}

/** A request the server answered with a Kubernetes `Status` (or a transport failure: code 0). */
export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status | undefined;
  constructor(code: number, reason: string, message: string, status?: Status) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
}

export function isNotFound(e: unknown): boolean {
  return e instanceof ApiError && e.code === 404;
}

export function isConflict(e: unknown): boolean {
  return e instanceof ApiError && e.code === 409;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface WatchEvent<T = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface WatchHandle {
  stop(): void;
  /** Resolves when the stream ends (server closed it, error, or stop()). */
  done: Promise<void>;
}

export type PatchType = 'merge' | 'json' | 'apply' | 'strategic';

const patchContentTypes: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
  strategic: 'application/strategic-merge-patch+json',
};

/** Reads a kubeconfig's current context (server, CA, token) — the only forms virtnet writes. */
export function optionsFromKubeconfig(path: string, userAgent = 'virtnet'): ClientOptions {
  const kc = parseYaml(readFileSync(path, 'utf8')) as {
    'current-context'?: string;
    contexts?: { name: string; context: { cluster: string; user: string } }[];
    clusters?: { name: string; cluster: { server: string; 'certificate-authority-data'?: string; 'certificate-authority'?: string } }[];
    users?: { name: string; user: { token?: string; tokenFile?: string } }[];
  };
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context']) ?? kc.contexts?.[0];
  const cluster = kc.clusters?.find((c) => c.name === ctx?.context.cluster) ?? kc.clusters?.[0];
  const user = kc.users?.find((u) => u.name === ctx?.context.user) ?? kc.users?.[0];
  if (!cluster || !user) throw new Error(`${path}: no cluster or user in the current context`);
  const ca = cluster.cluster['certificate-authority-data']
    ? Buffer.from(cluster.cluster['certificate-authority-data'], 'base64').toString('utf8')
    : cluster.cluster['certificate-authority'] ? readFileSync(cluster.cluster['certificate-authority'], 'utf8') : '';
  const token = user.user.token ?? (user.user.tokenFile ? readFileSync(user.user.tokenFile, 'utf8').trim() : '');
  return { server: cluster.cluster.server, ca, token, userAgent };
}

export function resourcePath(ref: ResourceRef, namespace?: string, name?: string, subresource?: string): string {
  let p = ref.group ? `/apis/${ref.group}/${ref.version}` : `/api/${ref.version}`;
  if (ref.namespaced && namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${ref.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource !== undefined) p += `/${subresource}`;
  return p;
}

export class ApiClient {
  private readonly agent: Agent;
  /**
   * Watches hold their connection for as long as they run: in the request pool (32 sockets) the controllers'
   * thirty-odd informers would leave their writes a single connection, so watches get a pool of their own.
   */
  private readonly watchAgent: Agent;
  private readonly streams = new Set<IncomingMessage>();

  constructor(readonly opts: ClientOptions) {
    const tls = { ca: opts.ca, ...(opts.socketPath ? { servername: 'localhost' } : {}) };
    this.agent = new Agent({ ...tls, keepAlive: true, maxSockets: 32 });
    this.watchAgent = new Agent({ ...tls, keepAlive: false });
  }

  static fromKubeconfig(path: string, userAgent?: string): ApiClient {
    return new ApiClient(optionsFromKubeconfig(path, userAgent));
  }

  /** Closes pooled connections and open watch streams. */
  close(): void {
    for (const s of this.streams) s.destroy();
    this.agent.destroy();
    this.watchAgent.destroy();
  }

  private open(method: string, path: string, body?: string, contentType = 'application/json', agent = this.agent): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {
        Authorization: `Bearer ${this.opts.token}`,
        Accept: 'application/json',
        'User-Agent': this.opts.userAgent ?? 'virtnet',
      };
      if (body !== undefined) headers['Content-Type'] = contentType;
      const target = this.opts.socketPath ? `https://localhost${path}` : this.opts.server + path;
      const req = httpsRequest(target, { method, headers, agent, timeout: 30_000, ...(this.opts.socketPath ? { socketPath: this.opts.socketPath } : {}) }, resolve);
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', (e) => reject(new ApiError(0, 'ServiceUnavailable', `${method} ${path}: ${e.message}`)));
      req.end(body);
    });
  }

  async raw<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const res = await this.open(method, path, text, contentType);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const out = Buffer.concat(chunks).toString('utf8');
    let parsed: unknown;
    try {
      parsed = out === '' ? undefined : JSON.parse(out);
    } catch {
      parsed = undefined;
    }
    const code = res.statusCode ?? 0;
    if (code >= 400) {
      const st = parsed as Status | undefined;
      throw new ApiError(code, st?.reason ?? 'Unknown', st?.message ?? `${method} ${path}: HTTP ${code}`, st);
    }
    return parsed as T;
  }

  get<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, subresource?: string): Promise<T> {
    return this.raw<T>('GET', resourcePath(ref, namespace, name, subresource));
  }

  /** The object, or undefined when it does not exist (404); other errors reject as with get. */
  getIfExists<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string): Promise<T | undefined> {
    return this.get<T>(ref, namespace, name).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
  }

  async list<T = KubeObject>(ref: ResourceRef, namespace?: string, opts: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const q = new URLSearchParams();
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    const qs = q.toString();
    const l = await this.raw<{ items: T[]; metadata: { resourceVersion: string } }>('GET', resourcePath(ref, namespace) + (qs ? `?${qs}` : ''));
    return { items: l.items, resourceVersion: l.metadata.resourceVersion };
  }

  create<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, obj: unknown, fieldManager?: string): Promise<T> {
    const q = fieldManager ? `?fieldManager=${encodeURIComponent(fieldManager)}` : '';
    return this.raw<T>('POST', resourcePath(ref, namespace) + q, obj);
  }

  replace<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, obj: unknown, subresource?: string): Promise<T> {
    return this.raw<T>('PUT', resourcePath(ref, namespace, name, subresource), obj);
  }

  patch<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, type: PatchType, patch: unknown,
    opts: { subresource?: string; fieldManager?: string; force?: boolean } = {}): Promise<T> {
    const q = new URLSearchParams();
    if (opts.fieldManager) q.set('fieldManager', opts.fieldManager);
    if (opts.force) q.set('force', 'true');
    const qs = q.toString();
    return this.raw<T>('PATCH', resourcePath(ref, namespace, name, opts.subresource) + (qs ? `?${qs}` : ''), patch, patchContentTypes[type]);
  }

  delete<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, name: string, propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'): Promise<T> {
    return this.raw<T>('DELETE', resourcePath(ref, namespace, name), propagationPolicy ? { propagationPolicy } : undefined);
  }

  /**
   * Streams watch events from resourceVersion (absent: current objects first as ADDED). The stream ends
   * when the server closes it; callers (the informer) re-list or resume.
   */
  watch<T = KubeObject>(ref: ResourceRef, namespace: string | undefined, opts: ListOptions & { resourceVersion?: string; timeoutSeconds?: number },
    onEvent: (ev: WatchEvent<T>) => void): WatchHandle {
    const q = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true' });
    if (opts.resourceVersion !== undefined) q.set('resourceVersion', opts.resourceVersion);
    if (opts.labelSelector) q.set('labelSelector', opts.labelSelector);
    if (opts.fieldSelector) q.set('fieldSelector', opts.fieldSelector);
    if (opts.timeoutSeconds !== undefined) q.set('timeoutSeconds', String(opts.timeoutSeconds));
    let stream: IncomingMessage | undefined;
    let stopped = false;
    const done = (async () => {
      try {
        stream = await this.open('GET', `${resourcePath(ref, namespace)}?${q.toString()}`, undefined, undefined, this.watchAgent);
        if (stopped) {
          stream.destroy();
          return;
        }
        this.streams.add(stream);
        if ((stream.statusCode ?? 0) >= 400) {
          const chunks: Buffer[] = [];
          for await (const c of stream) chunks.push(c as Buffer);
          const st = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Status;
          onEvent({ type: 'ERROR', object: st as unknown as T });
          return;
        }
        let buf = '';
        for await (const chunk of stream) {
          buf += (chunk as Buffer).toString('utf8');
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim() !== '' && !stopped) onEvent(JSON.parse(line) as WatchEvent<T>);
          }
        }
      } catch {
        // The stream ended (connection reset, server gone): the caller resumes.
      } finally {
        if (stream) this.streams.delete(stream);
      }
    })();
    return {
      stop: () => {
        stopped = true;
        stream?.destroy();
      },
      done,
    };
  }
}
