// The Store on etcd v3 (what kube-apiserver uses). The revision is etcd's: an object's resourceVersion is
// the mod_revision of its key, the store's revision() the header revision of a linearizable read.
// Writes are single-key transactions guarded by create_revision (create) or mod_revision (update/delete
// with a precondition), so a failed write changes nothing and consumes no revision.
// Watch history is etcd's own MVCC history; compaction (ours, another API server's, or etcd's
// auto-compaction) ends it, and a watch from before it fails with Expired.
import { Etcd3 } from 'etcd3';
import type { IKeyValue, IRangeRequest, IResponseHeader } from 'etcd3';
import type { KubeObject } from '../../common/object.js';
import { StoreError } from './store.js';
import type { ListResult, Store, StoredObject, Watch, WatchHandlers } from './store.js';
import { decodeObject, encodeObject, prefixEnd, withResourceVersion } from './etcd-codec.js';
import { WatchMux } from './etcd-watch-mux.js';
import { WatchCache, type WatchCacheStats } from './watch-cache.js';

export interface EtcdStoreOptions {
  /** Client URLs of the members, e.g. http://127.0.0.1:2379. */
  endpoints: string[];
  /** Prepended to every key in etcd (several independent stores on one cluster: tests). Default none. */
  keyPrefix?: string;
  /** Revisions kept for resuming watches; compact() drops older ones (default 100000). */
  retainEvents?: number;
  /** How often the store compacts on its own (default 5 minutes, as kube-apiserver; 0: never). */
  compactIntervalMs?: number;
  /** Where an exception thrown by a watch handler goes (default console.error). */
  onHandlerError?: (err: unknown) => void;
  /** Events the shared watch of each prefix keeps for watches that start behind it (default 5000). */
  watchCacheCapacity?: number;
}

export interface EtcdStore extends Store {
  readonly endpoints: string[];
  /** The watch cache: shared etcd watchers, their watchers, and watches that needed one of their own. */
  watchStats(): WatchCacheStats;
  /** Compacts etcd at revision() - retainEvents now; resolves to the new oldestRetained(). */
  compact(): Promise<number>;
}

export async function openEtcdStore(opts: EtcdStoreOptions): Promise<EtcdStore> {
  const store = new EtcdStoreImpl(opts);
  // Fails here, not on the first request, when no member answers.
  await store.revision();
  return store;
}

/** Objects per range request when listing: keeps each response well under gRPC's 4 MiB default. */
const LIST_PAGE = 500;

const isCompacted = (e: unknown): boolean => e instanceof Error && e.message.includes('required revision has been compacted');

class EtcdStoreImpl implements EtcdStore {
  readonly endpoints: string[];
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly retain: number;
  private readonly mux: WatchMux;
  private readonly cache: WatchCache;
  private readonly timer: NodeJS.Timeout | undefined;
  /** A lower bound of etcd's compacted revision; oldestRetained() searches up from it. */
  private knownCompacted = 0;
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    if (opts.endpoints.length === 0) throw new RangeError('etcd store: no endpoints');
    this.endpoints = opts.endpoints;
    this.prefix = opts.keyPrefix ?? '';
    this.retain = opts.retainEvents ?? 100_000;
    if (!Number.isInteger(this.retain) || this.retain < 0) throw new RangeError('retainEvents must be an integer >= 0');
    // etcd3's default fault handling: a request that fails on one member is retried (3 times) on
    // another, and a member failing 3 times in a row is skipped for 5 s.
    this.client = new Etcd3({ hosts: opts.endpoints });
    this.mux = new WatchMux(this.client.watchClient, opts.onHandlerError ?? ((e) => console.error('watch handler failed:', e)));
    this.cache = new WatchCache((p, rv, h) => this.watchUpstream(p, rv, h), {
      ...(opts.watchCacheCapacity !== undefined ? { capacity: opts.watchCacheCapacity } : {}),
      ...(opts.onHandlerError ? { onHandlerError: opts.onHandlerError } : {}),
    });
    const every = opts.compactIntervalMs ?? 5 * 60_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.compact().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  private k(key: string): Buffer {
    return Buffer.from(this.prefix + key, 'utf8');
  }

  private stored(kv: IKeyValue, rv = Number(kv.mod_revision)): StoredObject {
    return { key: kv.key.toString('utf8').slice(this.prefix.length), rv, object: decodeObject(kv.value.toString('utf8'), rv) };
  }

  /** Runs one etcd call; after close() (or during it) every call fails with Closed. */
  private async call<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreError('Closed', key, 'store closed');
    try {
      return await fn();
    } catch (e) {
      if (this.closed) throw new StoreError('Closed', key, 'store closed');
      throw e;
    }
  }

  private async header(): Promise<IResponseHeader> {
    return (await this.client.kv.range({ key: this.k('/'), count_only: true })).header;
  }

  async revision(): Promise<number> {
    return this.call('', async () => Number((await this.header()).revision));
  }

  async get(key: string): Promise<StoredObject | undefined> {
    return this.call(key, async () => {
      const r = await this.client.kv.range({ key: this.k(key) });
      const kv = r.kvs[0];
      return kv ? this.stored(kv) : undefined;
    });
  }

  /** Every key-value under prefix, page by page at one revision. */
  private async rangePrefix(prefix: string): Promise<{ kvs: IKeyValue[]; rv: number }> {
    const start = this.k(prefix);
    const end = prefixEnd(start);
    const kvs: IKeyValue[] = [];
    let from = start;
    let rv = 0;
    for (;;) {
      const req: IRangeRequest = { key: from, range_end: end, limit: LIST_PAGE, ...(rv > 0 && { revision: rv }) };
      const r = await this.client.kv.range(req);
      if (rv === 0) rv = Number(r.header.revision);
      kvs.push(...r.kvs);
      const last = r.kvs.at(-1);
      if (!r.more || !last) return { kvs, rv };
      from = Buffer.concat([last.key, Buffer.from([0])]);
    }
  }

  async list(prefix: string): Promise<ListResult> {
    return this.call(prefix, async () => {
      const { kvs, rv } = await this.rangePrefix(prefix);
      return { items: kvs.map((kv) => this.stored(kv)), rv };
    });
  }

  async listJson(prefix: string): Promise<{ items: string[]; rv: number }> {
    return this.call(prefix, async () => {
      const { kvs, rv } = await this.rangePrefix(prefix);
      return { items: kvs.map((kv) => withResourceVersion(kv.value.toString('utf8'), Number(kv.mod_revision))), rv };
    });
  }

  async create(key: string, obj: KubeObject): Promise<StoredObject> {
    const text = encodeObject(obj);
    return this.call(key, async () => {
      const r = await this.client.kv.txn({
        compare: [{ key: this.k(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: this.k(key), value: Buffer.from(text, 'utf8') } }],
      });
      if (!r.succeeded) throw new StoreError('KeyExists', key, `${key} already exists`);
      const rv = Number(r.header.revision);
      return { key, rv, object: decodeObject(text, rv) };
    });
  }

  /** The compare that guards a write to an existing key: its mod_revision, or just that it exists. */
  private guard(key: string, expectedRv: number | undefined) {
    return expectedRv === undefined
      ? { key: this.k(key), target: 'Version' as const, result: 'Greater' as const, version: 0 }
      : { key: this.k(key), target: 'Mod' as const, result: 'Equal' as const, mod_revision: expectedRv };
  }

  /** Why a guarded write failed: the key is gone, or it changed. */
  private refusal(key: string, failure: { response_range?: { kvs: IKeyValue[] } } | undefined, expectedRv: number | undefined): StoreError {
    const current = failure?.response_range?.kvs[0];
    if (!current) return new StoreError('NotFound', key, `${key} not found`);
    return new StoreError('Conflict', key, `${key}: resourceVersion ${expectedRv} is not the latest (${current.mod_revision})`);
  }

  async update(key: string, obj: KubeObject, expectedRv?: number): Promise<StoredObject> {
    const text = encodeObject(obj);
    return this.call(key, async () => {
      const r = await this.client.kv.txn({
        compare: [this.guard(key, expectedRv)],
        success: [{ request_put: { key: this.k(key), value: Buffer.from(text, 'utf8') } }],
        failure: [{ request_range: { key: this.k(key), keys_only: true } }],
      });
      if (!r.succeeded) throw this.refusal(key, r.responses[0], expectedRv);
      const rv = Number(r.header.revision);
      return { key, rv, object: decodeObject(text, rv) };
    });
  }

  async delete(key: string, expectedRv?: number): Promise<StoredObject> {
    return this.call(key, async () => {
      const r = await this.client.kv.txn({
        compare: [this.guard(key, expectedRv)],
        success: [{ request_delete_range: { key: this.k(key), prev_kv: true } }],
        failure: [{ request_range: { key: this.k(key), keys_only: true } }],
      });
      if (!r.succeeded) throw this.refusal(key, r.responses[0], expectedRv);
      const prev = r.responses[0]?.response_delete_range.prev_kvs[0];
      // Deleted by someone else between compare and delete cannot happen: the txn is atomic.
      if (!prev) throw new StoreError('NotFound', key, `${key} not found`);
      return this.stored(prev, Number(r.header.revision));
    });
  }

  /** Every watch of a prefix shares one etcd watcher (watch-cache.ts). */
  watch(prefix: string, fromRv: number, handlers: WatchHandlers): Promise<Watch> {
    return this.cache.watch(prefix, fromRv, handlers);
  }

  /** What the watch cache shares and what it could not. */
  watchStats(): WatchCacheStats {
    return this.cache.stats();
  }

  private watchUpstream(prefix: string, fromRv: number, handlers: WatchHandlers): Promise<Watch> {
    return this.call(prefix, async () => {
      // etcd's first revision (1) is the empty store, so resuming "from 0" means from 1.
      const from = Math.max(fromRv, 1);
      // etcd reports a compacted start revision on the stream, not when the watcher is created; a read at
      // that revision answers now (and fails exactly when from < compacted, the Store's definition).
      try {
        await this.client.kv.range({ key: this.k(prefix), count_only: true, revision: from });
      } catch (e) {
        if (isCompacted(e)) {
          const oldest = await this.oldestRetained();
          throw new StoreError('Expired', prefix, `resourceVersion ${fromRv} has been compacted (oldest ${oldest})`, oldest);
        }
        // A revision in the future: the watch waits for it, as SQLite's does.
        if (!(e instanceof Error && e.message.includes('future revision'))) throw e;
      }
      const key = this.k(prefix);
      return this.mux.add(key, prefixEnd(key), this.prefix.length, from + 1, handlers);
    });
  }

  /** etcd's compacted revision: the lowest one a read still succeeds at (found by search, rarely moving). */
  async oldestRetained(): Promise<number> {
    return this.call('', async () => {
      const readable = async (rev: number): Promise<boolean> => {
        try {
          await this.client.kv.range({ key: this.k('/'), count_only: true, revision: rev });
          return true;
        } catch (e) {
          if (isCompacted(e)) return false;
          throw e;
        }
      };
      let lo = Math.max(this.knownCompacted, 1);
      if (await readable(lo)) return (this.knownCompacted = lo === 1 ? 0 : lo);
      let hi = Number((await this.header()).revision);
      // Invariant: lo unreadable, hi readable (the current revision always is).
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (await readable(mid)) hi = mid;
        else lo = mid;
      }
      return (this.knownCompacted = hi);
    });
  }

  async compact(): Promise<number> {
    return this.call('', async () => {
      const target = Number((await this.header()).revision) - this.retain;
      const oldest = await this.oldestRetained();
      if (target <= oldest) return oldest;
      try {
        await this.client.kv.compact({ revision: target });
      } catch (e) {
        // Someone compacted further meanwhile.
        if (!isCompacted(e)) throw e;
      }
      return this.oldestRetained();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.cache.close();
    this.mux.close();
    this.client.close();
  }
}
