// List-then-watch cache of one resource (client-go's reflector + store, simplified): keeps a local
// copy, resumes the watch from the last resourceVersion, and re-lists after 410 Expired.
import type { KubeObject } from '../common/object.js';
import type { ApiClient, ListOptions, ResourceRef, WatchHandle } from './api-client.js';

export interface InformerHandlers<T extends KubeObject = KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(obj: T, old: T): void;
  onDelete?(obj: T): void;
}

export function objectKey(o: KubeObject): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? '');
}

const RETRY_MS = 500;

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private watch: WatchHandle | undefined;
  private stopped = false;
  private rv = '';
  private syncedResolve!: () => void;
  /** Resolves after the first full list has been delivered to the handlers. */
  readonly synced = new Promise<void>((r) => (this.syncedResolve = r));

  constructor(private readonly client: ApiClient, private readonly ref: ResourceRef, private readonly namespace?: string,
    private readonly opts: ListOptions = {}) {}

  addHandlers(h: InformerHandlers<T>): void {
    this.handlers.push(h);
  }

  /** Cached objects (do not mutate: copy first). */
  list(): T[] {
    return [...this.cache.values()];
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.rv === '') await this.relist();
        let expired = false;
        this.watch = this.client.watch<T>(this.ref, this.namespace, { ...this.opts, resourceVersion: this.rv }, (ev) => {
          if (ev.type === 'ERROR') {
            expired = true;
            return;
          }
          const rv = ev.object.metadata.resourceVersion;
          if (rv) this.rv = rv;
          if (ev.type === 'BOOKMARK') return;
          const key = objectKey(ev.object);
          const old = this.cache.get(key);
          if (ev.type === 'DELETED') {
            this.cache.delete(key);
            for (const h of this.handlers) h.onDelete?.(ev.object);
          } else {
            this.cache.set(key, ev.object);
            for (const h of this.handlers) {
              if (old) h.onUpdate?.(ev.object, old);
              else h.onAdd?.(ev.object);
            }
          }
        });
        await this.watch.done;
        if (expired) this.rv = '';
      } catch {
        // The server is unreachable: try again shortly, from where we were.
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.client.list<T>(this.ref, this.namespace, this.opts);
    const seen = new Set<string>();
    for (const o of items) {
      const key = objectKey(o);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, o);
      for (const h of this.handlers) {
        if (old) {
          if (old.metadata.resourceVersion !== o.metadata.resourceVersion) h.onUpdate?.(o, old);
        } else h.onAdd?.(o);
      }
    }
    for (const [key, o] of this.cache) {
      if (!seen.has(key)) {
        this.cache.delete(key);
        for (const h of this.handlers) h.onDelete?.(o);
      }
    }
    this.rv = resourceVersion;
    this.syncedResolve();
  }
}
