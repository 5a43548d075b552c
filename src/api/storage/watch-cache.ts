// One upstream watch per key prefix, shared by every Store.watch of that prefix (kube-apiserver's watch
// cache, reduced to what the Store contract needs). With a hundred node agents each watching the
// VirtualMachineInstances of the cluster, etcd would otherwise run a hundred watchers on one range and this
// process decode every change a hundred times; here it is watched and decoded once, and each event object is
// shared (frozen) by every watcher, as the SQLite store's watch hub does.
//
// The cache keeps the newest `capacity` events of each prefix. A watch from a revision the cache still
// covers (every event after it is in the buffer) replays from the buffer and then follows the shared stream;
// an older one gets a watch of its own upstream (which may fail with Expired, exactly as without the cache).
// The shared upstream stops when its last watcher leaves.
import { deepFreeze } from '../../common/object.js';
import { StoreError } from './store.js';
import type { StoreEvent, Watch, WatchHandlers } from './store.js';

export type UpstreamWatch = (prefix: string, fromRv: number, handlers: WatchHandlers) => Promise<Watch>;

interface Subscriber {
  handlers: WatchHandlers;
  /** Only events after this revision (the watch's fromRv). */
  after: number;
}

interface Cacher {
  prefix: string;
  ready: Promise<void>;
  upstream: Watch | undefined;
  events: StoreEvent[];
  /** Every event with a revision above this is in `events` or still to come. */
  floor: number;
  subs: Set<Subscriber>;
  done: boolean;
}

export interface WatchCacheOptions {
  /** Events kept per prefix for watches that start behind the stream (default 5000). */
  capacity?: number;
  /** Where an exception thrown by one watcher's handler goes; the other watchers still get the event. */
  onHandlerError?: (err: unknown) => void;
}

export interface WatchCacheStats {
  /** Shared upstream watches open now. */
  shared: number;
  /** Watchers served by them. */
  watchers: number;
  /** Watches that were too far behind the cache and got an upstream watch of their own, since the start. */
  dedicated: number;
}

export class WatchCache {
  private readonly cachers = new Map<string, Cacher>();
  private readonly capacity: number;
  private readonly onHandlerError: (err: unknown) => void;
  private dedicated = 0;
  private closed = false;

  constructor(private readonly upstream: UpstreamWatch, opts: WatchCacheOptions = {}) {
    this.capacity = Math.max(1, opts.capacity ?? 5000);
    this.onHandlerError = opts.onHandlerError ?? ((e) => console.error('watch handler failed:', e));
  }

  stats(): WatchCacheStats {
    let watchers = 0;
    for (const c of this.cachers.values()) watchers += c.subs.size;
    return { shared: this.cachers.size, watchers, dedicated: this.dedicated };
  }

  async watch(prefix: string, fromRv: number, handlers: WatchHandlers): Promise<Watch> {
    if (this.closed) throw new StoreError('Closed', prefix, 'store closed');
    let c = this.cachers.get(prefix);
    let mine = false;
    if (!c) {
      c = this.open(prefix, fromRv);
      mine = true;
    }
    try {
      await c.ready;
    } catch (e) {
      // The shared watch could not start from its creator's revision (e.g. compacted): that creator gets
      // the error; a watcher that merely joined tries again on its own revision.
      if (mine) throw e;
      return this.watch(prefix, fromRv, handlers);
    }
    if (c.done) return this.watch(prefix, fromRv, handlers);
    if (fromRv < c.floor) {
      this.dedicated++;
      return this.upstream(prefix, fromRv, handlers);
    }
    // Synchronously: replay what the buffer holds after fromRv, then join; no event can slip in between.
    const sub: Subscriber = { handlers, after: fromRv };
    for (const ev of c.events) if (ev.rv > fromRv) this.deliverOne(sub, ev);
    c.subs.add(sub);
    const cacher = c;
    return {
      stop: () => {
        if (!cacher.subs.delete(sub) || cacher.subs.size > 0 || cacher.done) return;
        this.retire(cacher);
      },
    };
  }

  /** Ends every watch with Closed (the store is closing). */
  close(): void {
    this.closed = true;
    const err = new StoreError('Closed', '', 'store closed');
    for (const c of [...this.cachers.values()]) this.onError(c, err);
  }

  private open(prefix: string, fromRv: number): Cacher {
    const c: Cacher = { prefix, ready: Promise.resolve(), upstream: undefined, events: [], floor: fromRv, subs: new Set(), done: false };
    this.cachers.set(prefix, c);
    c.ready = this.upstream(prefix, fromRv, {
      onEvent: (ev) => this.onEvent(c, ev),
      onError: (err) => this.onError(c, err),
    }).then((w) => {
      c.upstream = w;
      // Every watcher left (or the cache closed) while the upstream was being created.
      if (c.done || this.closed) w.stop();
    }, (e: unknown) => {
      c.done = true;
      if (this.cachers.get(prefix) === c) this.cachers.delete(prefix);
      throw e;
    });
    return c;
  }

  private onEvent(c: Cacher, ev: StoreEvent): void {
    if (c.done) return;
    const shared = deepFreeze(ev);
    c.events.push(shared);
    if (c.events.length > this.capacity) {
      // Drop the oldest tenth at once: a shift per event would copy the array every time.
      const drop = c.events.splice(0, Math.max(1, Math.floor(this.capacity / 10)));
      c.floor = drop[drop.length - 1]!.rv;
    }
    for (const sub of c.subs) if (shared.rv > sub.after) this.deliverOne(sub, shared);
  }

  private deliverOne(sub: Subscriber, ev: StoreEvent): void {
    try {
      sub.handlers.onEvent(ev);
    } catch (e) {
      this.onHandlerError(e);
    }
  }

  private onError(c: Cacher, err: StoreError): void {
    if (c.done) return;
    const subs = [...c.subs];
    this.retire(c);
    for (const sub of subs) sub.handlers.onError(err);
  }

  private retire(c: Cacher): void {
    c.done = true;
    c.subs.clear();
    c.events = [];
    if (this.cachers.get(c.prefix) === c) this.cachers.delete(c.prefix);
    c.upstream?.stop();
  }
}
