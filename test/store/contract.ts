// The behaviour every Store implementation must have. Run it from a *.test.ts with a factory:
//   runStoreContract('sqlite', async (opts) => ({ store, reopen, compact, cleanup }))
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../src/common/object.js';
import { StoreError } from '../../src/api/storage/index.js';
import type { Store, StoredObject, StoreEvent, StoreErrorCode, WatchHandlers } from '../../src/api/storage/index.js';

export interface ContractOpenOptions {
  /** Keep only about this many newest events for resuming watches (used by the Expired test). */
  retainEvents?: number;
}

export interface StoreHarness {
  store: Store;
  /** Closes the current store (if still open) and opens a new one on the same data. */
  reopen?: () => Promise<Store>;
  /** Applies the retention window now; without it the Expired test waits for the store to compact. */
  compact?: () => Promise<void>;
  /** Closes whatever is open and removes the data. */
  cleanup: () => Promise<void>;
}

export type StoreFactory = (opts?: ContractOpenOptions) => Promise<StoreHarness>;

const NS1 = '/registry/core/configmaps/ns1/';
const NS10 = '/registry/core/configmaps/ns10/';

function cm(ns: string, name: string, data: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

function isStoreError(code: StoreErrorCode) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof StoreError, `expected StoreError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  };
}

async function until(what: string, pred: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function collector() {
  const events: StoreEvent[] = [];
  const errors: StoreError[] = [];
  const handlers: WatchHandlers = { onEvent: (ev) => void events.push(ev), onError: (e) => void errors.push(e) };
  return {
    events,
    errors,
    handlers,
    rvs: () => events.map((e) => e.rv),
    waitFor: (n: number) => until(`${n} events (have ${events.length})`, () => events.length >= n),
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Lets an asynchronous implementation deliver anything still in flight. */
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

export function runStoreContract(name: string, open: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    async function withStore(fn: (h: StoreHarness) => Promise<void>, opts?: ContractOpenOptions): Promise<void> {
      const h = await open(opts);
      try {
        await fn(h);
      } finally {
        await h.cleanup();
      }
    }

    describe('objects', () => {
      it('create stamps the revision; get returns it; missing key is undefined', () =>
        withStore(async ({ store }) => {
          const created = await store.create(`${NS1}a`, cm('ns1', 'a', { k: 'v' }));
          assert.equal(created.key, `${NS1}a`);
          assert.equal(created.object.metadata.resourceVersion, String(created.rv));
          assert.deepEqual(created.object.data, { k: 'v' });
          const got = await store.get(`${NS1}a`);
          assert.deepEqual(got, created);
          assert.equal(await store.get(`${NS1}missing`), undefined);
        }));

      it('create on an existing key fails with KeyExists and changes nothing', () =>
        withStore(async ({ store }) => {
          const first = await store.create(`${NS1}a`, cm('ns1', 'a', { v: '1' }));
          await assert.rejects(store.create(`${NS1}a`, cm('ns1', 'a', { v: '2' })), (e) => {
            isStoreError('KeyExists')(e);
            assert.equal((e as StoreError).key, `${NS1}a`);
            return true;
          });
          assert.deepEqual(await store.get(`${NS1}a`), first);
          assert.equal(await store.revision(), first.rv, 'a failed write consumes no revision');
        }));

      it('update replaces the object, with or without a matching precondition', () =>
        withStore(async ({ store }) => {
          const a = await store.create(`${NS1}a`, cm('ns1', 'a', { v: '1' }));
          const b = await store.update(`${NS1}a`, cm('ns1', 'a', { v: '2' }), a.rv);
          assert.ok(b.rv > a.rv);
          assert.equal(b.object.metadata.resourceVersion, String(b.rv));
          assert.deepEqual(b.object.data, { v: '2' });
          const c = await store.update(`${NS1}a`, cm('ns1', 'a', { v: '3' }));
          assert.ok(c.rv > b.rv);
          assert.deepEqual(await store.get(`${NS1}a`), c);
        }));

      it('update with a stale precondition fails with Conflict; a missing key with NotFound', () =>
        withStore(async ({ store }) => {
          const a = await store.create(`${NS1}a`, cm('ns1', 'a', { v: '1' }));
          await store.update(`${NS1}a`, cm('ns1', 'a', { v: '2' }));
          const rev = await store.revision();
          await assert.rejects(store.update(`${NS1}a`, cm('ns1', 'a', { v: '3' }), a.rv), isStoreError('Conflict'));
          await assert.rejects(store.update(`${NS1}nope`, cm('ns1', 'nope')), isStoreError('NotFound'));
          await assert.rejects(store.update(`${NS1}nope`, cm('ns1', 'nope'), a.rv), isStoreError('NotFound'));
          assert.deepEqual((await store.get(`${NS1}a`))?.object.data, { v: '2' });
          assert.equal(await store.revision(), rev, 'failed writes consume no revision');
        }));

      it('delete returns the last state carrying the deletion revision', () =>
        withStore(async ({ store }) => {
          const a = await store.create(`${NS1}a`, cm('ns1', 'a', { v: '1' }));
          const d = await store.delete(`${NS1}a`);
          assert.ok(d.rv > a.rv);
          assert.equal(d.rv, await store.revision());
          assert.equal(d.object.metadata.resourceVersion, String(d.rv));
          assert.deepEqual(d.object.data, { v: '1' });
          assert.equal(await store.get(`${NS1}a`), undefined);
          await assert.rejects(store.delete(`${NS1}a`), isStoreError('NotFound'));
          // The key can be created again, at a new revision.
          const again = await store.create(`${NS1}a`, cm('ns1', 'a'));
          assert.ok(again.rv > d.rv);
        }));

      it('delete with a stale precondition fails with Conflict and keeps the object', () =>
        withStore(async ({ store }) => {
          const a = await store.create(`${NS1}a`, cm('ns1', 'a'));
          const b = await store.update(`${NS1}a`, cm('ns1', 'a', { v: '2' }));
          await assert.rejects(store.delete(`${NS1}a`, a.rv), isStoreError('Conflict'));
          assert.deepEqual(await store.get(`${NS1}a`), b);
          const d = await store.delete(`${NS1}a`, b.rv);
          assert.ok(d.rv > b.rv);
        }));

      it('revisions are global across keys and strictly increasing', () =>
        withStore(async ({ store }) => {
          const start = await store.revision();
          const rvs: number[] = [];
          for (let i = 0; i < 10; i++) {
            rvs.push((await store.create(`${NS1}k${i}`, cm('ns1', `k${i}`))).rv);
            rvs.push((await store.create(`/registry/core/namespaces/n${i}`, cm('', `n${i}`))).rv);
          }
          rvs.push((await store.update(`${NS1}k0`, cm('ns1', 'k0', { x: 'y' }))).rv);
          rvs.push((await store.delete(`${NS1}k1`)).rv);
          assert.ok(rvs[0]! > start);
          for (let i = 1; i < rvs.length; i++) assert.ok(rvs[i]! > rvs[i - 1]!, `rv ${rvs[i]} after ${rvs[i - 1]}`);
          assert.equal(await store.revision(), rvs.at(-1));
        }));

      it('concurrent writes to one key: one create wins, one update per revision wins, others are refused', () =>
        withStore(async ({ store }) => {
          const creates = await Promise.allSettled(Array.from({ length: 5 }, () => store.create(`${NS1}race`, cm('ns1', 'race'))));
          assert.equal(creates.filter((r) => r.status === 'fulfilled').length, 1);
          for (const r of creates) {
            if (r.status === 'rejected') assert.equal((r.reason as StoreError).code, 'KeyExists');
          }
          const base = (await store.get(`${NS1}race`))!.rv;
          const updates = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.update(`${NS1}race`, cm('ns1', 'race', { i: String(i) }), base)));
          assert.equal(updates.filter((r) => r.status === 'fulfilled').length, 1);
          for (const r of updates) {
            if (r.status === 'rejected') assert.equal((r.reason as StoreError).code, 'Conflict');
          }
          // Concurrent requests may commit in either order (etcd runs them in parallel): exactly one delete wins.
          const dels = await Promise.allSettled([store.delete(`${NS1}race`), store.delete(`${NS1}race`)]);
          assert.equal(dels.filter((r) => r.status === 'fulfilled').length, 1);
          assert.equal(dels.filter((r) => r.status === 'rejected' && (r.reason as StoreError).code === 'NotFound').length, 1);
        }));

      it('returns fresh copies: mutating inputs or results does not change the store', () =>
        withStore(async ({ store }) => {
          const input = cm('ns1', 'a', { v: '1' });
          const created = await store.create(`${NS1}a`, input);
          assert.equal(input.metadata.resourceVersion, undefined, 'the input is not stamped');
          (input.data as Record<string, string>).v = 'mutated input';
          (created.object.data as Record<string, string>).v = 'mutated result';
          const got = await store.get(`${NS1}a`);
          assert.deepEqual(got?.object.data, { v: '1' });
          (got!.object.data as Record<string, string>).v = 'mutated get';
          const listed = await store.list(NS1);
          assert.deepEqual(listed.items[0]?.object.data, { v: '1' });
        }));
    });

    describe('list', () => {
      it('lists exactly the keys under the prefix, in key order, at the current revision', () =>
        withStore(async ({ store }) => {
          for (const n of ['c', 'a', 'b']) await store.create(`${NS1}${n}`, cm('ns1', n));
          await store.create(`${NS10}a`, cm('ns10', 'a'));
          await store.create('/registry/core/configmaps/ns0/z', cm('ns0', 'z'));
          await store.create('/registry/core/configmaps/ns1', cm('', 'not-a-child'));
          await store.create('/registry/core/secrets/ns1/a', cm('ns1', 'a'));
          const r = await store.list(NS1);
          assert.deepEqual(r.items.map((i) => i.key), [`${NS1}a`, `${NS1}b`, `${NS1}c`]);
          assert.equal(r.rv, await store.revision());
          for (const i of r.items) assert.equal(i.object.metadata.resourceVersion, String(i.rv));
          const all = await store.list('/registry/core/configmaps/');
          assert.equal(all.items.length, 6);
          assert.deepEqual(all.items.map((i) => i.key), [...all.items.map((i) => i.key)].sort());
          assert.deepEqual((await store.list('/registry/apps/deployments/')).items, []);
        }));

      it('listJson gives the same objects as list, as stored JSON text', () =>
        withStore(async ({ store }) => {
          await store.create(`${NS1}b`, cm('ns1', 'b', { k: 'v' }));
          await store.create(`${NS1}a`, cm('ns1', 'a'));
          const parsed = await store.list(NS1);
          const raw = await store.listJson(NS1);
          assert.equal(raw.rv, parsed.rv);
          assert.deepEqual(raw.items.map((j) => JSON.parse(j) as unknown), parsed.items.map((i) => i.object));
        }));

      it('handles cluster-scoped keys and reflects deletes', () =>
        withStore(async ({ store }) => {
          await store.create('/registry/core/namespaces/default', cm('', 'default'));
          await store.create('/registry/core/namespaces/kube-system', cm('', 'kube-system'));
          await store.delete('/registry/core/namespaces/default');
          const r = await store.list('/registry/core/namespaces/');
          assert.deepEqual(r.items.map((i) => i.key), ['/registry/core/namespaces/kube-system']);
          assert.equal(r.rv, await store.revision());
        }));

      it('an empty store lists nothing at revision() ', () =>
        withStore(async ({ store }) => {
          const r = await store.list('/registry/');
          assert.deepEqual(r.items, []);
          assert.equal(r.rv, await store.revision());
        }));
    });

    describe('watch', () => {
      it('delivers history then live events in revision order, with prev and deletion revision', () =>
        withStore(async ({ store }) => {
          const from = await store.revision();
          const a = await store.create(`${NS1}a`, cm('ns1', 'a', { v: '1' }));
          const b = await store.update(`${NS1}a`, cm('ns1', 'a', { v: '2' }));
          const c = collector();
          const w = await store.watch(NS1, from, c.handlers);
          const d = await store.delete(`${NS1}a`);
          const e = await store.create(`${NS1}b`, cm('ns1', 'b'));
          await c.waitFor(4);
          assert.deepEqual(c.events.map((ev) => ev.type), ['ADDED', 'MODIFIED', 'DELETED', 'ADDED']);
          assert.deepEqual(c.rvs(), [a.rv, b.rv, d.rv, e.rv]);
          const [added, modified, deleted] = c.events;
          assert.equal(added?.object.metadata.resourceVersion, String(a.rv));
          assert.equal(added?.prev, undefined);
          assert.deepEqual(modified?.object.data, { v: '2' });
          assert.deepEqual(modified?.prev?.data, { v: '1' });
          assert.equal(modified?.prev?.metadata.resourceVersion, String(a.rv));
          assert.equal(deleted?.key, `${NS1}a`);
          assert.equal(deleted?.object.metadata.resourceVersion, String(d.rv));
          assert.equal(deleted?.prev?.metadata.resourceVersion, String(b.rv));
          assert.deepEqual(c.errors, []);
          w.stop();
        }));

      it('filters by exact prefix (ns1 does not see ns10)', () =>
        withStore(async ({ store }) => {
          const from = await store.revision();
          await store.create(`${NS10}x`, cm('ns10', 'x'));
          await store.create(`${NS1}a`, cm('ns1', 'a'));
          const c1 = collector();
          const c10 = collector();
          const call = collector();
          await store.watch(NS1, from, c1.handlers);
          await store.watch(NS10, from, c10.handlers);
          await store.watch('/registry/core/configmaps/', from, call.handlers);
          await store.create(`${NS10}y`, cm('ns10', 'y'));
          await store.create(`${NS1}b`, cm('ns1', 'b'));
          await store.create('/registry/core/secrets/ns1/s', cm('ns1', 's'));
          await c1.waitFor(2);
          await c10.waitFor(2);
          await call.waitFor(4);
          await settle();
          assert.deepEqual(c1.events.map((e) => e.key), [`${NS1}a`, `${NS1}b`]);
          assert.deepEqual(c10.events.map((e) => e.key), [`${NS10}x`, `${NS10}y`]);
          assert.deepEqual(call.events.map((e) => e.key), [`${NS10}x`, `${NS1}a`, `${NS10}y`, `${NS1}b`]);
        }));

      it('from the current revision delivers only future events', () =>
        withStore(async ({ store }) => {
          await store.create(`${NS1}old`, cm('ns1', 'old'));
          const c = collector();
          await store.watch(NS1, await store.revision(), c.handlers);
          await settle();
          assert.equal(c.events.length, 0);
          const n = await store.create(`${NS1}new`, cm('ns1', 'new'));
          await c.waitFor(1);
          assert.deepEqual(c.rvs(), [n.rv]);
        }));

      it('writes issued around the watch start are delivered once each, without gaps', () =>
        withStore(async ({ store }) => {
          const from = await store.revision();
          const writes: Array<Promise<StoredObject>> = [];
          for (let i = 0; i < 50; i++) writes.push(store.create(`${NS1}k${i}`, cm('ns1', `k${i}`)));
          const c = collector();
          const watching = store.watch(NS1, from, c.handlers);
          for (let i = 50; i < 100; i++) writes.push(store.create(`${NS1}k${i}`, cm('ns1', `k${i}`)));
          const done = await Promise.all(writes);
          await watching;
          await c.waitFor(100);
          await settle();
          assert.deepEqual(c.rvs(), done.map((d) => d.rv).sort((x, y) => x - y));
        }));

      it('a watch started mid-stream from revision() sees exactly the later writes', () =>
        withStore(async ({ store }) => {
          const acked: number[] = [];
          let stopWriting = false;
          const writer = (async () => {
            for (let i = 0; !stopWriting && i < 2000; i++) {
              acked.push((await store.create(`${NS1}w${i}`, cm('ns1', `w${i}`))).rv);
              if (i % 10 === 0) await new Promise((r) => setImmediate(r));
            }
          })();
          await until('some writes', () => acked.length >= 50);
          const from = await store.revision();
          const c = collector();
          await store.watch(NS1, from, c.handlers);
          await until('more writes', () => acked.length >= 150);
          stopWriting = true;
          await writer;
          const expected = acked.filter((rv) => rv > from);
          await c.waitFor(expected.length);
          await settle();
          assert.deepEqual(c.rvs(), expected);
        }));

      it('two watchers stop independently; stop() is idempotent', () =>
        withStore(async ({ store }) => {
          const c1 = collector();
          const c2 = collector();
          const w1 = await store.watch(NS1, await store.revision(), c1.handlers);
          const w2 = await store.watch(NS1, await store.revision(), c2.handlers);
          await store.create(`${NS1}a`, cm('ns1', 'a'));
          await c1.waitFor(1);
          await c2.waitFor(1);
          w1.stop();
          w1.stop();
          await store.create(`${NS1}b`, cm('ns1', 'b'));
          await c2.waitFor(2);
          await settle();
          assert.equal(c1.events.length, 1);
          w2.stop();
          await store.create(`${NS1}c`, cm('ns1', 'c'));
          await settle();
          assert.equal(c2.events.length, 2);
          assert.deepEqual([...c1.errors, ...c2.errors], [], 'stopped watches get no onError');
        }));

      it('a handler that throws does not break other watchers or its own stream', () =>
        withStore(async ({ store }) => {
          const c = collector();
          let calls = 0;
          const from = await store.revision();
          await store.watch(NS1, from, { onEvent: () => { calls++; throw new Error('handler bug (expected in this test)'); }, onError: () => {} });
          await store.watch(NS1, from, c.handlers);
          for (let i = 0; i < 3; i++) await store.create(`${NS1}k${i}`, cm('ns1', `k${i}`));
          await c.waitFor(3);
          await until('the throwing handler to see all events', () => calls === 3);
          assert.equal(c.events.length, 3);
        }));

      it('a handler that writes sees events in order, as does every other watcher', () =>
        withStore(async ({ store }) => {
          const from = await store.revision();
          const writer = collector();
          const observer = collector();
          await store.watch(NS1, from, {
            onEvent: (ev) => {
              writer.handlers.onEvent(ev);
              if (ev.key === `${NS1}trigger`) void store.create(`${NS1}reaction`, cm('ns1', 'reaction'));
            },
            onError: writer.handlers.onError,
          });
          await store.watch(NS1, from, observer.handlers);
          await store.create(`${NS1}trigger`, cm('ns1', 'trigger'));
          await store.create(`${NS1}after`, cm('ns1', 'after'));
          await writer.waitFor(3);
          await observer.waitFor(3);
          for (const c of [writer, observer]) {
            assert.deepEqual([...c.rvs()].sort((x, y) => x - y), c.rvs(), 'in revision order');
            assert.equal(new Set(c.rvs()).size, 3);
          }
          assert.deepEqual(observer.rvs(), writer.rvs());
        }));

      it('fails with Expired when resuming from before the retained window', () =>
        withStore(async (h) => {
          const { store } = h;
          const base = await store.revision();
          for (let i = 0; i < 30; i++) await store.create(`${NS1}k${i}`, cm('ns1', `k${i}`));
          await h.compact?.();
          // Without a compact hook, give the store's own schedule time to apply retention.
          let oldest = await store.oldestRetained();
          const deadline = Date.now() + 10_000;
          while (oldest <= base && Date.now() < deadline) {
            await settle(20);
            oldest = await store.oldestRetained();
          }
          const rev = await store.revision();
          assert.ok(oldest > base, `compaction happened (oldest ${oldest}, base ${base})`);
          assert.ok(oldest <= rev - 5, 'the newest retainEvents events are kept');
          await assert.rejects(store.watch(NS1, base, collector().handlers), (e) => {
            isStoreError('Expired')(e);
            assert.equal((e as StoreError).oldest, oldest);
            return true;
          });
          const c = collector();
          await store.watch(NS1, oldest, c.handlers);
          await c.waitFor(rev - oldest);
          assert.deepEqual(c.rvs(), range(oldest + 1, rev));
        }, { retainEvents: 5 }));

      it('close() ends watches with Closed; later calls fail with Closed', () =>
        withStore(async ({ store }) => {
          const c = collector();
          const stopped = collector();
          await store.watch(NS1, await store.revision(), c.handlers);
          const w = await store.watch(NS1, await store.revision(), stopped.handlers);
          w.stop();
          await store.close();
          await until('onError', () => c.errors.length === 1);
          assert.equal(c.errors[0]?.code, 'Closed');
          await settle();
          assert.deepEqual(stopped.errors, [], 'a stopped watch gets no onError');
          w.stop();
          await assert.rejects(store.get(`${NS1}a`), isStoreError('Closed'));
          await assert.rejects(store.create(`${NS1}a`, cm('ns1', 'a')), isStoreError('Closed'));
          await assert.rejects(store.watch(NS1, 0, collector().handlers), isStoreError('Closed'));
          await store.close();
        }));
    });

    describe('persistence', () => {
      it('objects and the revision survive reopen; new writes continue above it', async (t) => {
        const h = await open();
        try {
          if (!h.reopen) return t.skip('no reopen');
          const a = await h.store.create(`${NS1}a`, cm('ns1', 'a', { v: '1' }));
          const b = await h.store.update(`${NS1}a`, cm('ns1', 'a', { v: '2' }));
          await h.store.create(`${NS1}gone`, cm('ns1', 'gone'));
          const d = await h.store.delete(`${NS1}gone`);
          await h.store.close();
          const store = await h.reopen();
          assert.equal(await store.revision(), d.rv, 'a deletion revision is not reused');
          assert.deepEqual(await store.get(`${NS1}a`), b);
          assert.deepEqual((await store.list(NS1)).items, [b]);
          const n = await store.create(`${NS1}n`, cm('ns1', 'n'));
          assert.ok(n.rv > d.rv && d.rv > a.rv);
        } finally {
          await h.cleanup();
        }
      });

      it('a watch resumes after reopen from a revision taken before it', async (t) => {
        const h = await open();
        try {
          if (!h.reopen) return t.skip('no reopen');
          await h.store.create(`${NS1}a`, cm('ns1', 'a'));
          const from = await h.store.revision();
          const b = await h.store.create(`${NS1}b`, cm('ns1', 'b'));
          const u = await h.store.update(`${NS1}a`, cm('ns1', 'a', { v: '2' }));
          const d = await h.store.delete(`${NS1}b`);
          await h.store.create(`${NS10}other`, cm('ns10', 'other'));
          await h.store.close();
          const store = await h.reopen();
          const c = collector();
          await store.watch(NS1, from, c.handlers);
          const live = await store.create(`${NS1}c`, cm('ns1', 'c'));
          await c.waitFor(4);
          await settle();
          assert.deepEqual(c.rvs(), [b.rv, u.rv, d.rv, live.rv]);
          assert.deepEqual(c.events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED', 'ADDED']);
          assert.equal(c.events[2]?.object.metadata.resourceVersion, String(d.rv));
          assert.deepEqual(c.events[1]?.prev?.metadata.resourceVersion, String(from));
        } finally {
          await h.cleanup();
        }
      });
    });
  });
}
