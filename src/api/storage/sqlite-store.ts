// The Store on one SQLite file (better-sqlite3). Single writer: this process owns the file and keeps
// the revision counter in memory. Writes are group-committed: every write requested during one turn of
// the event loop runs in one transaction with one fsync (synchronous=FULL), and each caller is answered
// only after that commit. Commit and publish to watchers happen in one synchronous step, with no other
// write in between; that is what makes watch start gap-free.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { deepFreeze, type KubeObject } from '../../common/object.js';
import { StoreError } from './store.js';
import type { ListResult, Store, StoredObject, StoreEvent, StoreEventType, Watch, WatchHandlers } from './store.js';
import { openDatabase, readRevision } from './sqlite-schema.js';
import { WatchHub } from './watch-hub.js';

export interface SqliteStoreOptions {
  /** The database file; its directory is created if missing. */
  path: string;
  /** How many of the newest events stay available to resuming watches (default 100000). */
  retainEvents?: number;
  /** Compact the event log after this many writes (default retainEvents/10, between 1 and 1000). */
  compactEvery?: number;
  /** Where an exception thrown by a watch handler goes (default console.error). */
  onHandlerError?: (err: unknown) => void;
}

export interface SqliteStore extends Store {
  readonly path: string;
  /** Drops events beyond the retention window now; resolves to the new oldestRetained(). */
  compact(): Promise<number>;
}

export async function openSqliteStore(opts: SqliteStoreOptions): Promise<SqliteStore> {
  return new SqliteStoreImpl(opts);
}

interface ObjectRow { key: string; rv: number; json: string }

type WriteOp =
  | { op: 'create'; key: string; obj: KubeObject }
  | { op: 'update'; key: string; obj: KubeObject; expectedRv: number | undefined }
  | { op: 'delete'; key: string; expectedRv: number | undefined };

interface QueuedWrite {
  w: WriteOp;
  resolve: (s: StoredObject) => void;
  reject: (e: unknown) => void;
}

/** What one write did inside the batch transaction: its event, or the error that refused it. */
type Outcome =
  | { ok: true; type: StoreEventType; key: string; rv: number; json: string; prev: string | null; object: KubeObject }
  | { ok: false; error: StoreError };
interface EventRow { rv: number; key: string; type: StoreEventType; json: string; prev: string | null }

class SqliteStoreImpl implements SqliteStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly retain: number;
  private readonly compactEvery: number;
  private readonly hub: WatchHub;
  private rev: number;
  private oldest: number;
  private writesSinceCompact = 0;
  private closed = false;

  private readonly getRow;
  private readonly listRows;
  private readonly historyRows;
  private readonly txBatch;
  private readonly txCompact;
  private queue: QueuedWrite[] = [];
  private flushScheduled = false;

  constructor(opts: SqliteStoreOptions) {
    this.path = opts.path;
    this.retain = opts.retainEvents ?? 100_000;
    this.compactEvery = opts.compactEvery ?? Math.min(1000, Math.max(1, Math.floor(this.retain / 10)));
    if (!Number.isInteger(this.retain) || this.retain < 0) throw new RangeError('retainEvents must be an integer >= 0');
    if (!Number.isInteger(this.compactEvery) || this.compactEvery < 1) throw new RangeError('compactEvery must be an integer >= 1');
    if (opts.path !== ':memory:') mkdirSync(dirname(opts.path), { recursive: true });

    const db = (this.db = new Database(opts.path));
    try {
      openDatabase(db);
    } catch (e) {
      db.close();
      throw e;
    }
    this.rev = readRevision(db);
    this.oldest = db.prepare<[], { value: number }>(`SELECT value FROM meta WHERE name = 'compacted'`).get()?.value ?? 0;

    this.getRow = db.prepare<[string], ObjectRow>('SELECT key, rv, json FROM objects WHERE key = ?');
    this.listRows = db.prepare<[string, string], ObjectRow>(
      'SELECT key, rv, json FROM objects WHERE key >= ? AND key < ? ORDER BY key',
    );
    this.historyRows = db.prepare<[number, number, string, string, number], EventRow>(
      `SELECT rv, key, type, json, prev FROM events
       WHERE rv > ? AND rv <= ? AND key >= ? AND key < ? ORDER BY rv LIMIT ?`,
    );
    const insertObject = db.prepare<[string, number, string]>(
      'INSERT INTO objects (key, rv, json) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
    );
    const updateObject = db.prepare<[number, string, string]>('UPDATE objects SET rv = ?, json = ? WHERE key = ?');
    const deleteObject = db.prepare<[string]>('DELETE FROM objects WHERE key = ?');
    const insertEvent = db.prepare<[number, string, StoreEventType, string, string | null]>(
      'INSERT INTO events (rv, key, type, json, prev) VALUES (?, ?, ?, ?, ?)',
    );
    const dropEvents = db.prepare<[number]>('DELETE FROM events WHERE rv <= ?');
    const setCompacted = db.prepare<[number]>(`UPDATE meta SET value = ? WHERE name = 'compacted'`);

    // One transaction per batch. Each write checks its own precondition against the state left by the
    // writes before it; a refused write runs no SQL and takes no revision, so nothing needs rolling back.
    const apply = (w: WriteOp, rv: number): Outcome => {
      if (w.op === 'create') {
        const json = stamp(w.obj, rv);
        if (insertObject.run(w.key, rv, json).changes === 0) return { ok: false, error: new StoreError('KeyExists', w.key, `${w.key} already exists`) };
        insertEvent.run(rv, w.key, 'ADDED', json, null);
        return { ok: true, type: 'ADDED', key: w.key, rv, json, prev: null, object: stamped(w.obj, rv) };
      }
      const cur = this.getRow.get(w.key);
      if (!cur) return { ok: false, error: new StoreError('NotFound', w.key, `${w.key} not found`) };
      if (w.expectedRv !== undefined && cur.rv !== w.expectedRv) {
        return { ok: false, error: new StoreError('Conflict', w.key, `${w.key}: expected revision ${w.expectedRv}, stored revision is ${cur.rv}`) };
      }
      if (w.op === 'update') {
        const json = stamp(w.obj, rv);
        updateObject.run(rv, json, w.key);
        insertEvent.run(rv, w.key, 'MODIFIED', json, cur.json);
        return { ok: true, type: 'MODIFIED', key: w.key, rv, json, prev: cur.json, object: stamped(w.obj, rv) };
      }
      const object = JSON.parse(cur.json) as KubeObject;
      object.metadata.resourceVersion = String(rv);
      const json = JSON.stringify(object);
      deleteObject.run(w.key);
      insertEvent.run(rv, w.key, 'DELETED', json, cur.json);
      return { ok: true, type: 'DELETED', key: w.key, rv, json, prev: cur.json, object };
    };
    this.txBatch = db.transaction((writes: QueuedWrite[]): Outcome[] => {
      let rv = this.rev;
      return writes.map((q) => {
        const out = apply(q.w, rv + 1);
        if (out.ok) rv = out.rv;
        return out;
      });
    });
    this.txCompact = db.transaction((upTo: number) => {
      dropEvents.run(upTo);
      setCompacted.run(upTo);
    });

    this.hub = new WatchHub(
      (prefix, after, upTo, limit) =>
        this.historyRows.all(after, upTo, prefix, prefixEnd(prefix), limit).map((r) => makeEvent(r.type, r.key, r.rv, r.json, r.prev)),
      opts.onHandlerError ?? ((err) => console.error('store: a watch handler threw:', err)),
    );
    // Retention may have been lowered since the last run.
    this.compactNow();
  }

  async revision(): Promise<number> {
    this.assertOpen('');
    return this.rev;
  }

  async oldestRetained(): Promise<number> {
    this.assertOpen('');
    return this.oldest;
  }

  async get(key: string): Promise<StoredObject | undefined> {
    this.assertOpen(key);
    const row = this.getRow.get(key);
    return row && toStored(row);
  }

  async list(prefix: string): Promise<ListResult> {
    this.assertOpen(prefix);
    return { items: this.listRows.all(prefix, prefixEnd(prefix)).map(toStored), rv: this.rev };
  }

  async listJson(prefix: string): Promise<{ items: string[]; rv: number }> {
    this.assertOpen(prefix);
    return { items: this.listRows.all(prefix, prefixEnd(prefix)).map((r) => r.json), rv: this.rev };
  }

  create(key: string, obj: KubeObject): Promise<StoredObject> {
    return this.enqueue({ op: 'create', key, obj });
  }

  update(key: string, obj: KubeObject, expectedRv?: number): Promise<StoredObject> {
    return this.enqueue({ op: 'update', key, obj, expectedRv });
  }

  delete(key: string, expectedRv?: number): Promise<StoredObject> {
    return this.enqueue({ op: 'delete', key, expectedRv });
  }

  private enqueue(w: WriteOp): Promise<StoredObject> {
    if (this.closed) return Promise.reject(new StoreError('Closed', w.key, 'store closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ w, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued write in one transaction, then publishes and answers them in revision order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    if (this.closed) {
      for (const q of batch) q.reject(new StoreError('Closed', q.w.key, 'store closed'));
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.txBatch(batch);
    } catch (e) {
      for (const q of batch) q.reject(e);
      return;
    }
    for (let i = 0; i < batch.length; i++) {
      const out = outcomes[i]!;
      const q = batch[i]!;
      if (!out.ok) {
        q.reject(out.error);
        continue;
      }
      this.committed(out.type, out.key, out.rv, out.json, out.prev);
      q.resolve({ key: out.key, rv: out.rv, object: out.object });
    }
  }

  async watch(prefix: string, fromRv: number, handlers: WatchHandlers): Promise<Watch> {
    this.assertOpen(prefix);
    if (fromRv < this.oldest) {
      throw new StoreError('Expired', prefix, `revision ${fromRv} is older than the oldest retained revision ${this.oldest}`, this.oldest);
    }
    return this.hub.add(prefix, fromRv, this.rev, handlers);
  }

  async compact(): Promise<number> {
    this.assertOpen('');
    return this.compactNow();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Writes already requested are committed before the file closes: they may have been promised.
    if (this.queue.length > 0) {
      this.closed = false;
      this.flush();
      this.closed = true;
    }
    this.hub.closeAll(new StoreError('Closed', '', 'store closed'));
    this.db.close();
  }

  private committed(type: StoreEventType, key: string, rv: number, json: string, prev: string | null): void {
    this.rev = rv;
    this.hub.publish(key, () => makeEvent(type, key, rv, json, prev));
    // A handler may have closed the store.
    if (++this.writesSinceCompact >= this.compactEvery && !this.closed) this.compactNow();
  }

  private compactNow(): number {
    this.writesSinceCompact = 0;
    let upTo = this.rev - this.retain;
    // Never drop history that a replaying watcher has yet to read.
    const pending = this.hub.minCursor();
    if (pending !== undefined) upTo = Math.min(upTo, pending);
    if (upTo > this.oldest) {
      this.txCompact(upTo);
      this.oldest = upTo;
    }
    return this.oldest;
  }

  private assertOpen(key: string): void {
    if (this.closed) throw new StoreError('Closed', key, 'store closed');
  }
}

/** The stored form: the caller's object (not mutated) with metadata.resourceVersion = rv. */
function stamp(obj: KubeObject, rv: number): string {
  return JSON.stringify({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } });
}

/** The object handed back to the writer: a copy of its own object, down to metadata, with the revision. */
function stamped(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

function toStored(row: ObjectRow): StoredObject {
  return { key: row.key, rv: row.rv, object: JSON.parse(row.json) as KubeObject };
}

/** Exclusive upper bound of the keys starting with prefix, for a range scan on the primary key. */
function prefixEnd(prefix: string): string {
  // Keys always start with '/', so for the empty prefix any bound above '/' covers them all.
  if (prefix === '') return '\u{10ffff}';
  const last = prefix.charCodeAt(prefix.length - 1);
  // For ASCII, the next code unit is also the next UTF-8 byte (SQLite compares bytes): an exact bound.
  if (last < 0x7f) return prefix.slice(0, -1) + String.fromCharCode(last + 1);
  return prefix + '\uffff';
}

/** One event object is shared by every watcher that receives it, so it is frozen, not copied. */
function makeEvent(type: StoreEventType, key: string, rv: number, json: string, prev: string | null): StoreEvent {
  const ev: StoreEvent = { type, key, rv, object: deepFreeze(JSON.parse(json) as KubeObject) };
  if (prev !== null) {
    // Most watchers never look at the previous state (only selector transitions do): parse it on demand.
    let parsed: KubeObject | undefined;
    Object.defineProperty(ev, 'prev', {
      enumerable: true,
      get: () => (parsed ??= deepFreeze(JSON.parse(prev) as KubeObject)),
    });
  }
  return Object.freeze(ev);
}

