// One list + WebSocket watch per (kind, namespace, selector), shared by every component that asks for it.
// Events are applied to a map and published at most once per animation frame, so a burst of 1,000 changes
// renders once. The watch resumes from the last resourceVersion after a drop and relists on 410 Expired.
import { wsProtocols, k8sList, wsUrl, ApiError } from './client';
import { resourcePath, type Model } from './models';
import type { K8sObject } from './types';

export interface WatchSnapshot<T> {
  items: T[];
  loaded: boolean;
  error: unknown;
}

const LINGER_MS = 10_000;
const RETRY_MS = 1_000;

class WatchCache {
  private readonly byKey = new Map<string, K8sObject>();
  private snapshot: WatchSnapshot<K8sObject> = { items: [], loaded: false, error: undefined };
  private readonly listeners = new Set<() => void>();
  private ws: WebSocket | undefined;
  private rv = '';
  private stopped = true;
  private pending = false;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly model: Model, private readonly ns: string | undefined, private readonly query: string) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    if (this.stopped) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.lingerTimer = setTimeout(() => this.stop(), LINGER_MS);
    };
  }

  get(): WatchSnapshot<K8sObject> {
    return this.snapshot;
  }

  private start(): void {
    this.stopped = false;
    void this.relist();
  }

  private stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.ws?.close();
    this.ws = undefined;
  }

  private async relist(): Promise<void> {
    try {
      const list = await k8sList(this.model, this.ns, this.query ? `?${this.query}` : '');
      if (this.stopped) return;
      this.byKey.clear();
      for (const o of list.items) {
        // a list's items carry no kind: give them one so they look like what a watch delivers
        o.kind ??= this.model.kind;
        this.byKey.set(keyOf(o), o);
      }
      this.rv = list.metadata.resourceVersion;
      this.publish(undefined, true);
      this.openWatch();
    } catch (e) {
      if (this.stopped) return;
      this.publish(e, this.snapshot.loaded);
      // a 403/404 will not heal by itself quickly; still retry slowly so a created CRD or granted role shows up
      this.retryTimer = setTimeout(() => void this.relist(), e instanceof ApiError && e.code < 500 ? RETRY_MS * 5 : RETRY_MS);
    }
  }

  private openWatch(): void {
    const q = new URLSearchParams(this.query);
    q.set('watch', 'true');
    q.set('resourceVersion', this.rv);
    q.set('allowWatchBookmarks', 'true');
    const ws = new WebSocket(wsUrl(`${resourcePath(this.model, { ns: this.ns })}?${q.toString()}`), wsProtocols('binary.k8s.io'));
    this.ws = ws;
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      const e = JSON.parse(ev.data) as { type: string; object: K8sObject & { code?: number; metadata: { resourceVersion?: string } } };
      if (e.type === 'ERROR') {
        ws.onclose = null;
        ws.close();
        if (!this.stopped) void this.relist();
        return;
      }
      if (e.object.metadata.resourceVersion) this.rv = e.object.metadata.resourceVersion;
      if (e.type === 'BOOKMARK') return;
      e.object.kind ??= this.model.kind;
      if (e.type === 'DELETED') this.byKey.delete(keyOf(e.object));
      else this.byKey.set(keyOf(e.object), e.object);
      this.schedulePublish();
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.retryTimer = setTimeout(() => { if (!this.stopped) this.openWatch(); }, RETRY_MS);
    };
  }

  private schedulePublish(): void {
    if (this.pending) return;
    this.pending = true;
    const flush = (): void => {
      this.pending = false;
      this.publish(undefined, true);
    };
    // rAF stalls in a hidden tab; a timer keeps the data fresh there too
    if (document.visibilityState === 'visible') requestAnimationFrame(flush);
    else setTimeout(flush, 100);
  }

  private publish(error: unknown, loaded: boolean): void {
    this.snapshot = { items: [...this.byKey.values()], loaded, error };
    for (const l of this.listeners) l();
  }
}

function keyOf(o: K8sObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

const caches = new Map<string, WatchCache>();

export function watchCache(model: Model, ns: string | undefined, query = ''): { subscribe: (l: () => void) => () => void; get: () => WatchSnapshot<K8sObject> } {
  const key = `${model.group}/${model.plural}|${ns ?? ''}|${query}`;
  let c = caches.get(key);
  if (!c) {
    c = new WatchCache(model, ns, query);
    caches.set(key, c);
  }
  const cache = c;
  return { subscribe: (l) => cache.subscribe(l), get: () => cache.get() };
}
