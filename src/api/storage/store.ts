// The storage contract. Both implementations (SQLite, etcd) pass test/store/contract.ts.
// The store knows no API behaviour: it keeps JSON objects under keys with one global revision counter.
import type { KubeObject } from '../../common/object.js';

export type StoreErrorCode = 'NotFound' | 'KeyExists' | 'Conflict' | 'Expired' | 'Closed';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  readonly key: string;
  /** For Expired: the oldest revision still retained. */
  readonly oldest: number | undefined;
  constructor(code: StoreErrorCode, key: string, message: string, oldest?: number) {
    super(message);
    this.code = code;
    this.key = key;
    this.oldest = oldest;
  }
}

export interface StoredObject {
  key: string;
  /** The revision of the last write to this key; also written into metadata.resourceVersion. */
  rv: number;
  object: KubeObject;
}

export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Shared by every watcher that receives it: read-only (the SQLite store freezes it); copy before changing. */
export interface StoreEvent {
  type: StoreEventType;
  key: string;
  /** Revision of this change. For DELETED, the object carries this revision as its resourceVersion. */
  rv: number;
  object: KubeObject;
  /** The state before this change (MODIFIED, DELETED). */
  prev?: KubeObject;
}

export interface ListResult {
  items: StoredObject[];
  /** The store's revision at the time of the read. */
  rv: number;
}

export interface Watch {
  stop(): void;
}

export interface WatchHandlers {
  /** Called in revision order, each event once. */
  onEvent(ev: StoreEvent): void;
  /** The watch cannot continue (store closed). Not called after stop(). */
  onError(err: StoreError): void;
}

export interface Store {
  /** The newest revision committed. */
  revision(): Promise<number>;
  get(key: string): Promise<StoredObject | undefined>;
  /** Every object whose key starts with prefix, in key order. */
  list(prefix: string): Promise<ListResult>;
  /**
   * The same as list, with each object as the JSON text it is stored as (resourceVersion included):
   * lets an unfiltered list be answered without parsing and re-serialising every object.
   */
  listJson(prefix: string): Promise<{ items: string[]; rv: number }>;
  /** Fails with KeyExists. The returned object has resourceVersion set. */
  create(key: string, obj: KubeObject): Promise<StoredObject>;
  /**
   * Replaces the object. With expectedRv, fails with Conflict when the stored revision differs;
   * fails with NotFound when the key is absent.
   */
  update(key: string, obj: KubeObject, expectedRv?: number): Promise<StoredObject>;
  /** Removes the key; returns the last state (carrying the deletion revision). */
  delete(key: string, expectedRv?: number): Promise<StoredObject>;
  /**
   * Events for keys under prefix with revision > fromRv, first from history, then live.
   * Fails with Expired (synchronously, as a rejected promise) when fromRv is older than the retained window.
   */
  watch(prefix: string, fromRv: number, handlers: WatchHandlers): Promise<Watch>;
  /** The oldest revision from which a watch can still resume. */
  oldestRetained(): Promise<number>;
  close(): Promise<void>;
}
