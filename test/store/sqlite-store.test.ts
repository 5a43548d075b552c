// The SQLite store: the shared contract plus what only a file-backed, single-process store promises.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { KubeObject } from '../../src/common/object.js';
import { openSqliteStore } from '../../src/api/storage/index.js';
import type { SqliteStoreOptions, StoreError, StoreEvent } from '../../src/api/storage/index.js';
import { runStoreContract } from './contract.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function tempPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'virtnet-store-'));
  dirs.push(dir);
  // A missing parent directory: openSqliteStore creates it.
  return join(dir, 'data', 'store.db');
}

const quiet = { onHandlerError: () => {} };

/** Watch errors other than Closed (which every close() delivers) fail the test that checks. */
const watchErrors: StoreError[] = [];
const onError = (err: StoreError): void => void watchErrors.push(err);
const noWatchErrors = () => assert.deepEqual(watchErrors.splice(0).filter((e) => e.code !== 'Closed'), []);

runStoreContract('sqlite', async (opts) => {
  const path = await tempPath();
  const options: SqliteStoreOptions = { path, ...quiet, ...(opts?.retainEvents !== undefined && { retainEvents: opts.retainEvents }) };
  let current = await openSqliteStore(options);
  return {
    store: current,
    reopen: async () => {
      await current.close();
      return (current = await openSqliteStore(options));
    },
    compact: async () => {
      await current.compact();
    },
    cleanup: () => current.close(),
  };
});

const PREFIX = '/registry/core/configmaps/ns/';
const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns' },
  data,
});

async function until(what: string, pred: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('SQLite store', () => {
  it('creates the parent directory and uses WAL', async () => {
    const path = await tempPath();
    const store = await openSqliteStore({ path });
    await store.create(`${PREFIX}a`, cm('a'));
    assert.ok(existsSync(path));
    const peek = new Database(path, { readonly: true });
    try {
      assert.equal(peek.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(peek.prepare<[], { n: number }>('SELECT count(*) AS n FROM events').get()?.n, 1);
    } finally {
      peek.close();
    }
    await store.close();
  });

  it('compacts on its own every compactEvery writes, keeping retainEvents', async () => {
    const store = await openSqliteStore({ path: await tempPath(), retainEvents: 10, compactEvery: 5 });
    for (let i = 0; i < 52; i++) await store.create(`${PREFIX}k${i}`, cm(`k${i}`));
    const rev = await store.revision();
    const oldest = await store.oldestRetained();
    assert.ok(oldest >= rev - 10 - 5 && oldest <= rev - 10, `oldest ${oldest} at revision ${rev}`);
    await store.close();
  });

  it('never reuses a revision after everything was deleted and compacted away', async () => {
    const path = await tempPath();
    let store = await openSqliteStore({ path, retainEvents: 0 });
    await store.create(`${PREFIX}a`, cm('a'));
    const d = await store.delete(`${PREFIX}a`);
    assert.equal(await store.compact(), d.rv);
    await store.close();
    store = await openSqliteStore({ path, retainEvents: 0 });
    assert.equal(await store.revision(), d.rv);
    assert.equal(await store.oldestRetained(), d.rv);
    const next = await store.create(`${PREFIX}a`, cm('a'));
    assert.equal(next.rv, d.rv + 1);
    await store.close();
  });

  it('applies a lowered retention when reopened', async () => {
    const path = await tempPath();
    let store = await openSqliteStore({ path });
    for (let i = 0; i < 20; i++) await store.create(`${PREFIX}k${i}`, cm(`k${i}`));
    assert.equal(await store.oldestRetained(), 0);
    await store.close();
    store = await openSqliteStore({ path, retainEvents: 5 });
    assert.equal(await store.oldestRetained(), 15);
    await store.close();
  });

  it('replays a long history in order while writes and compaction continue', async () => {
    const store = await openSqliteStore({ path: await tempPath(), retainEvents: 300, compactEvery: 10 });
    for (let i = 0; i < 1200; i++) await store.create(`${PREFIX}h${i}`, cm(`h${i}`));
    const from = (await store.oldestRetained()) + 1;
    const seen: number[] = [];
    await store.watch(PREFIX, from, { onEvent: (ev) => void seen.push(ev.rv), onError });
    // Issued before the first history page is read; compaction must not drop what the watcher still needs.
    const updates: Promise<unknown>[] = [];
    for (let i = 0; i < 500; i++) updates.push(store.update(`${PREFIX}h${i}`, cm(`h${i}`, { v: '2' })));
    await Promise.all(updates);
    const rev = await store.revision();
    await until('replay', () => seen.length >= rev - from);
    assert.deepEqual(seen, Array.from({ length: rev - from }, (_, i) => from + 1 + i));
    // Once the watcher is live, compaction catches up.
    for (let i = 0; i < 10; i++) await store.create(`${PREFIX}x${i}`, cm(`x${i}`));
    assert.ok((await store.oldestRetained()) >= (await store.revision()) - 300 - 10);
    noWatchErrors();
    await store.close();
  });

  it('fans out to 200 watchers without copying per watcher; event objects are frozen', async () => {
    const store = await openSqliteStore({ path: await tempPath() });
    const rev = await store.revision();
    const got: StoreEvent[][] = Array.from({ length: 200 }, () => []);
    for (const [i, list] of got.entries()) {
      const prefix = i % 2 === 0 ? PREFIX : '/registry/core/configmaps/';
      await store.watch(prefix, rev, { onEvent: (ev) => void list.push(ev), onError });
    }
    for (let i = 0; i < 200; i++) await store.create(`${PREFIX}f${i}`, cm(`f${i}`));
    for (const list of got) assert.equal(list.length, 200);
    assert.equal(got[0]?.[7], got[1]?.[7], 'one shared event object');
    const ev = got[0]![7]!;
    assert.throws(() => {
      ev.object.metadata.name = 'changed';
    }, TypeError);
    const fresh = await store.get(ev.key);
    fresh!.object.metadata.name = 'mine to change';
    noWatchErrors();
    await store.close();
  });

  it('keeps every acknowledged write when the writing process is SIGKILLed', { timeout: 60_000 }, async () => {
    const path = await tempPath();
    const storeModule = new URL('../../src/api/storage/index.js', import.meta.url).href;
    // Writes forever, printing "key rv" after each write resolves (i.e. was acknowledged).
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        const [mod, path] = process.argv.slice(1);
        const { openSqliteStore } = await import(mod);
        const store = await openSqliteStore({ path });
        const obj = (i, v) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'k' + i, namespace: 'ns' }, data: { v } });
        for (let i = 0; ; i++) {
          const key = '${PREFIX}k' + i;
          process.stdout.write(key + ' ' + (await store.create(key, obj(i, '1'))).rv + '\\n');
          if (i % 4 === 3) {
            const k2 = '${PREFIX}k' + (i - 2);
            process.stdout.write(k2 + ' ' + (await store.update(k2, obj(i - 2, '2'))).rv + '\\n');
          }
        }`,
        storeModule,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const acked = new Map<string, number>();
    let buf = '';
    let lines = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buf += chunk;
      const parts = buf.split('\n');
      buf = parts.pop() ?? '';
      for (const line of parts) {
        const [key, rv] = line.split(' ');
        acked.set(key!, Number(rv));
        if (++lines === 400) child.kill('SIGKILL');
      }
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    assert.equal(signal, 'SIGKILL', `child exited on its own (code ${code})`);
    assert.ok(lines >= 400);

    const store = await openSqliteStore({ path });
    const maxAcked = Math.max(...acked.values());
    assert.ok((await store.revision()) >= maxAcked);
    for (const [key, rv] of acked) {
      const got = await store.get(key);
      assert.ok(got, `acknowledged ${key} at ${rv} is missing`);
      assert.ok(got.rv >= rv, `${key}: stored rv ${got.rv} < acknowledged ${rv}`);
    }
    // The event log survived too: a watch from 0 replays every acknowledged revision.
    const seen = new Set<number>();
    await store.watch(PREFIX, 0, { onEvent: (ev) => void seen.add(ev.rv), onError });
    await until('replay', () => seen.size >= maxAcked);
    for (const rv of acked.values()) assert.ok(seen.has(rv), `event ${rv} missing`);
    noWatchErrors();
    await store.close();
  });
});
