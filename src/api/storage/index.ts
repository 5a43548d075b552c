// The storage layer's public face: the Store contract and its SQLite and etcd implementations.
export { StoreError } from './store.js';
export type {
  ListResult,
  Store,
  StoreErrorCode,
  StoreEvent,
  StoreEventType,
  StoredObject,
  Watch,
  WatchHandlers,
} from './store.js';
export { openSqliteStore } from './sqlite-store.js';
export type { SqliteStore, SqliteStoreOptions } from './sqlite-store.js';
export { openEtcdStore } from './etcd-store.js';
export type { EtcdStore, EtcdStoreOptions } from './etcd-store.js';
export { parseStoreSpec } from './store-spec.js';
export type { StoreSpec } from './store-spec.js';
