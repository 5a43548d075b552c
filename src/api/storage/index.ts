// The storage layer's public face: the Store contract and its SQLite implementation.
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
