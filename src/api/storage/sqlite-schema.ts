// The SQLite layout of the store. Every write is one transaction touching `objects` and `events`.
import type Database from 'better-sqlite3';

const SCHEMA_VERSION = 1;

const DDL = `
CREATE TABLE IF NOT EXISTS objects (
  key  TEXT PRIMARY KEY,
  rv   INTEGER NOT NULL,
  json TEXT NOT NULL
) WITHOUT ROWID;

-- One row per revision. rv is the rowid, so history reads and compaction are range scans on it.
CREATE TABLE IF NOT EXISTS events (
  rv   INTEGER PRIMARY KEY,
  key  TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
  json TEXT NOT NULL,
  prev TEXT
);

-- 'compacted': every event with rv <= this value was dropped. It also keeps the revision
-- counter from going backwards when the whole log has been compacted away.
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('compacted', 0);
`;

export function openDatabase(db: Database.Database): void {
  // WAL lets readers (a debugging sqlite3 shell) coexist with the writer; synchronous=FULL
  // fsyncs the WAL on every commit, so an acknowledged write survives SIGKILL and power loss.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new Error(`store schema version ${version} is newer than this build understands (${SCHEMA_VERSION})`);
  }
  db.exec(DDL);
  if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

/** The newest revision ever issued, which survives deletes and compaction. */
export function readRevision(db: Database.Database): number {
  const row = db
    .prepare<[], { rv: number }>(
      `SELECT max(
         coalesce((SELECT max(rv) FROM events), 0),
         coalesce((SELECT max(rv) FROM objects), 0),
         (SELECT value FROM meta WHERE name = 'compacted')) AS rv`,
    )
    .get();
  return row?.rv ?? 0;
}
