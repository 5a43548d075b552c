// Every Store.watch of one EtcdStore shares one etcd Watch stream (one gRPC call), as etcd's own clients do.
// etcd answers create requests on a stream in the order they were sent, so the watch_id of each new
// watcher is the next `created` response's. When the stream breaks (a member died, a connection reset),
// every watcher is created again on a new stream from the revision after the last one it delivered:
// nothing is skipped or repeated; if that revision was compacted meanwhile, the watcher ends with Expired.
import type { IDuplexStream, IEvent, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import { StoreError } from './store.js';
import type { StoreEvent, Watch, WatchHandlers } from './store.js';
import { decodeObject } from './etcd-codec.js';

interface Entry {
  key: Buffer;
  rangeEnd: Buffer;
  /** The prefix of etcd keys that the store adds to its own keys. */
  strip: number;
  /** The revision the next (re)creation starts from: one past the last delivered. */
  nextRev: number;
  handlers: WatchHandlers;
  id: string | undefined;
  /** The stream its create request went out on: after a reconnect, entries on an older one are sent again. */
  onStream: unknown;
  stopped: boolean;
  created: { resolve: () => void; reject: (e: unknown) => void } | undefined;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2000;

export class WatchMux {
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  private opening: Promise<void> | undefined;
  /** Sent create requests waiting for their `created` answer, oldest first. */
  private awaitingCreate: Entry[] = [];
  private readonly byId = new Map<string, Entry>();
  private readonly entries = new Set<Entry>();
  private closed = false;
  private retryMs = RETRY_MIN_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: WatchClient,
    private readonly onHandlerError: (err: unknown) => void,
  ) {}

  /** Resolves once etcd has created the watcher. */
  async add(key: Buffer, rangeEnd: Buffer, strip: number, startRev: number, handlers: WatchHandlers): Promise<Watch> {
    const e: Entry = { key, rangeEnd, strip, nextRev: startRev, handlers, id: undefined, onStream: undefined, stopped: false, created: undefined };
    this.entries.add(e);
    const created = new Promise<void>((resolve, reject) => void (e.created = { resolve, reject }));
    await this.ensureStream();
    this.sendCreate(e);
    try {
      await created;
    } catch (err) {
      this.entries.delete(e);
      throw err;
    }
    return { stop: () => this.stop(e) };
  }

  /** Ends every watcher with onError(Closed) and the stream. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    const err = new StoreError('Closed', '', 'store closed');
    for (const e of this.entries) {
      if (e.created) e.created.reject(err);
      else if (!e.stopped) this.safe(() => e.handlers.onError(err));
    }
    this.entries.clear();
    this.byId.clear();
    this.stream?.cancel();
    this.stream = undefined;
  }

  private stop(e: Entry): void {
    if (e.stopped) return;
    e.stopped = true;
    this.entries.delete(e);
    if (e.id !== undefined) {
      this.byId.delete(e.id);
      this.stream?.write({ cancel_request: { watch_id: e.id } });
    }
  }

  private ensureStream(): Promise<void> {
    if (this.closed) return Promise.reject(new StoreError('Closed', '', 'store closed'));
    if (this.stream) return Promise.resolve();
    this.opening ??= this.open().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async open(): Promise<void> {
    const stream = await this.client.watch();
    if (this.closed) {
      stream.cancel();
      return;
    }
    this.stream = stream;
    this.awaitingCreate = [];
    this.byId.clear();
    stream.on('data', (res) => this.onResponse(stream, res));
    stream.on('error', () => this.broken(stream));
    stream.on('end', () => this.broken(stream));
  }

  private sendCreate(e: Entry): void {
    this.awaitingCreate.push(e);
    e.onStream = this.stream;
    this.stream!.write({ create_request: { key: e.key, range_end: e.rangeEnd, start_revision: e.nextRev, prev_kv: true } });
  }

  private onResponse(stream: IDuplexStream<IWatchRequest, IWatchResponse>, res: IWatchResponse): void {
    if (stream !== this.stream) return;
    if (res.created) {
      const e = this.awaitingCreate.shift();
      if (!e) return;
      if (res.canceled) {
        this.fail(e, new StoreError('Expired', '', `etcd refused the watch: ${res.cancel_reason}`));
        return;
      }
      e.id = res.watch_id;
      if (e.stopped) {
        stream.write({ cancel_request: { watch_id: e.id } });
        return;
      }
      this.byId.set(e.id, e);
      this.retryMs = RETRY_MIN_MS;
      const c = e.created;
      e.created = undefined;
      c?.resolve();
      // A create on an existing watch id cannot carry events; fall through for any that a future etcd sends.
    }
    const e = this.byId.get(res.watch_id);
    if (!e || e.stopped) return;
    for (const ev of res.events ?? []) {
      const rv = Number(ev.kv.mod_revision);
      if (rv < e.nextRev) continue;
      e.nextRev = rv + 1;
      const out = toStoreEvent(ev, e.strip);
      try {
        e.handlers.onEvent(out);
      } catch (err) {
        this.onHandlerError(err);
      }
      if (e.stopped) return;
    }
    if (res.canceled) {
      this.byId.delete(res.watch_id);
      const compacted = Number(res.compact_revision);
      this.fail(e, compacted > 0
        ? new StoreError('Expired', '', `required revision ${e.nextRev - 1} has been compacted (oldest ${compacted})`, compacted)
        : new StoreError('Closed', '', `etcd cancelled the watch: ${res.cancel_reason}`));
    }
  }

  /** Ends one watcher: a pending watch() rejects, a running one gets onError. */
  private fail(e: Entry, err: StoreError): void {
    this.entries.delete(e);
    if (e.stopped) return;
    e.stopped = true;
    if (e.created) e.created.reject(err);
    else this.safe(() => e.handlers.onError(err));
  }

  private broken(stream: IDuplexStream<IWatchRequest, IWatchResponse>): void {
    if (stream !== this.stream || this.closed) return;
    this.stream = undefined;
    this.byId.clear();
    this.awaitingCreate = [];
    stream.cancel();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.ensureStream().then(
        () => {
          for (const e of this.entries) {
            if (e.stopped || e.onStream === this.stream) continue;
            e.id = undefined;
            this.sendCreate(e);
          }
        },
        () => this.scheduleReconnect(),
      );
    }, delay);
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.onHandlerError(err);
    }
  }
}

function toStoreEvent(ev: IEvent, strip: number): StoreEvent {
  const key = ev.kv.key.toString('utf8').slice(strip);
  const rv = Number(ev.kv.mod_revision);
  const prev = ev.prev_kv && ev.prev_kv.value.length > 0 ? decodeObject(ev.prev_kv.value.toString('utf8'), Number(ev.prev_kv.mod_revision)) : undefined;
  if (ev.type === 'Delete') {
    // The last state, stamped with the deletion revision (without prev_kv, i.e. compacted: a bare tombstone).
    const object = prev ? decodeObject(ev.prev_kv.value.toString('utf8'), rv) : { apiVersion: '', kind: '', metadata: { resourceVersion: String(rv) } };
    return prev ? { type: 'DELETED', key, rv, object, prev } : { type: 'DELETED', key, rv, object };
  }
  const object = decodeObject(ev.kv.value.toString('utf8'), rv);
  if (ev.kv.version === '1') return { type: 'ADDED', key, rv, object };
  return prev ? { type: 'MODIFIED', key, rv, object, prev } : { type: 'MODIFIED', key, rv, object };
}
