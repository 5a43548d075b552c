// The etcd store on a real 3-member etcd cluster (Debian's etcd-server) on loopback: the shared store
// contract, no acknowledged write lost when a member is SIGKILLed mid-stream, and `virtnet serve --store etcd:…`
// driven by the real kubectl. One cluster serves the whole file; each contract case gets its own key prefix.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/common/object.js';
import { openEtcdStore } from '../../src/api/storage/index.js';
import type { EtcdStore, EtcdStoreOptions, StoreError, StoreEvent } from '../../src/api/storage/index.js';
import { EtcdCluster, findEtcd } from '../support/etcd-cluster.js';
import { ServerProcess, until } from '../support/server-process.js';
import { runStoreContract } from './contract.js';

const etcd = findEtcd();
const runId = `vn-t${Math.random().toString(16).slice(2, 8)}`;
let cluster: EtcdCluster | undefined;

if ('skip' in etcd) {
  it('etcd store', (t) => {
    console.log(`skipping the etcd store tests: ${etcd.skip}`);
    t.skip(etcd.skip);
  });
} else {
  before(async () => {
    cluster = await EtcdCluster.start(3, runId);
    console.log(`etcd ${etcd.version}: 3 members at ${cluster.endpoints.join(' ')}`);
  });
  after(async () => {
    await cluster?.stop();
  });

  const quiet = { onHandlerError: () => {}, compactIntervalMs: 0 };
  let harnesses = 0;

  runStoreContract('etcd', async (opts) => {
    const options: EtcdStoreOptions = {
      endpoints: cluster!.endpoints,
      keyPrefix: `/${runId}/h${++harnesses}`,
      ...quiet,
      ...(opts?.retainEvents !== undefined && { retainEvents: opts.retainEvents }),
    };
    let current = await openEtcdStore(options);
    return {
      store: current,
      reopen: async () => {
        await current.close();
        return (current = await openEtcdStore(options));
      },
      compact: async () => {
        await current.compact();
      },
      cleanup: () => current.close(),
    };
  });

  describe('etcd store under faults', () => {
    const PREFIX = '/registry/core/configmaps/faults/';
    const cm = (name: string, v: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'faults' }, data: { v } });

    /** The member that leads the cluster now (etcd's gRPC gateway answers maintenance/status as JSON). */
    async function leaderIndex(c: EtcdCluster): Promise<number> {
      for (const [i, url] of c.endpoints.entries()) {
        const res = await fetch(`${url}/v3/maintenance/status`, { method: 'POST', body: '{}' });
        const s = (await res.json()) as { header: { member_id: string }; leader: string };
        if (s.header.member_id === s.leader) return i;
      }
      throw new Error('no leader');
    }

    it('a write stream survives kill -9 of the leader: every acknowledged write is kept and watched once', { timeout: 60_000 }, async () => {
      const c = cluster!;
      const store = await openEtcdStore({ endpoints: c.endpoints, keyPrefix: `/${runId}/faults`, ...quiet });
      const check: EtcdStore[] = [store];
      try {
        const from = await store.revision();
        const seen: number[] = [];
        const watchErrors: StoreError[] = [];
        await store.watch(PREFIX, from, { onEvent: (ev: StoreEvent) => void seen.push(ev.rv), onError: (e) => void watchErrors.push(e) });

        const acked = new Map<string, number>();
        let failed = 0;
        let stop = false;
        // Two writers, as an API server has many requests in flight: creates, and updates of earlier keys.
        const writer = async (w: number): Promise<void> => {
          for (let i = 0; !stop; i++) {
            const key = `${PREFIX}w${w}-${i}`;
            try {
              acked.set(key, (await store.create(key, cm(`w${w}-${i}`, '1'))).rv);
              if (i % 3 === 2) {
                const k2 = `${PREFIX}w${w}-${i - 2}`;
                if (acked.has(k2)) acked.set(k2, (await store.update(k2, cm(`w${w}-${i - 2}`, '2'))).rv);
              }
            } catch {
              // Refused or lost in the failover: not acknowledged, so nothing is promised about it.
              failed++;
              await new Promise((r) => setTimeout(r, 20));
            }
          }
        };
        const writers = [writer(0), writer(1)];
        await until(() => acked.size >= 150 || undefined, '150 acknowledged writes', 20_000);
        const victim = await leaderIndex(c);
        await c.kill(victim);
        const atKill = acked.size;
        await until(() => acked.size >= atKill + 150 || undefined, '150 more acknowledged writes after the kill', 30_000);
        stop = true;
        await Promise.all(writers);
        console.log(`kill -9 of member ${victim} (the leader) after ${atKill} writes; ${acked.size} acknowledged, ${failed} refused during failover`);

        // The member comes back on its data directory and catches up; read through it alone.
        await c.restart(victim);
        const alone = await openEtcdStore({ endpoints: [c.endpoints[victim]!], keyPrefix: `/${runId}/faults`, ...quiet });
        check.push(alone);
        const listed = new Map((await alone.list(PREFIX)).items.map((i) => [i.key, i.rv]));
        for (const [key, rv] of acked) {
          const got = listed.get(key);
          assert.ok(got !== undefined, `acknowledged ${key} at ${rv} is missing`);
          assert.ok(got >= rv, `${key}: stored rv ${got} < acknowledged ${rv}`);
        }
        // The watch that ran through the kill saw every acknowledged revision, once each, in order.
        const maxAcked = Math.max(...acked.values());
        await until(() => (seen.length > 0 && seen.at(-1)! >= maxAcked) || undefined, 'the watch to catch up', 15_000);
        assert.deepEqual(watchErrors, []);
        assert.deepEqual(seen, [...seen].sort((x, y) => x - y), 'in revision order');
        assert.equal(new Set(seen).size, seen.length, 'no event twice');
        const seenSet = new Set(seen);
        for (const rv of acked.values()) assert.ok(seenSet.has(rv), `event ${rv} missing from the watch`);
      } finally {
        for (const s of check) await s.close();
      }
    });
  });

  describe('etcd store watch cache', () => {
    it('serves 20 watches of one prefix from one etcd watcher: each sees every revision once, in order', async () => {
      const store = await openEtcdStore({ endpoints: cluster!.endpoints, keyPrefix: `/${runId}/cache`, ...quiet });
      try {
        const prefix = '/registry/kubevirt.io/virtualmachineinstances/';
        const start = await store.revision();
        const seen: number[][] = Array.from({ length: 20 }, () => []);
        const watches = await Promise.all(seen.map((rvs) => store.watch(prefix, start, { onEvent: (ev) => void rvs.push(ev.rv), onError: () => undefined })));
        const written: number[] = [];
        for (let i = 0; i < 50; i++) {
          written.push((await store.create(`${prefix}ns/vm${i}`, { apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name: `vm${i}`, namespace: 'ns' } })).rv);
        }
        await until(() => seen.every((rvs) => rvs.length >= 50) || undefined, 'every watcher to see 50 events');
        for (const rvs of seen) assert.deepEqual(rvs, written);
        assert.deepEqual(store.watchStats(), { shared: 1, watchers: 20, dedicated: 0 });
        // One joining late from the middle replays the rest from the cache, still on the one etcd watcher.
        const late: number[] = [];
        watches.push(await store.watch(prefix, written[24]!, { onEvent: (ev) => void late.push(ev.rv), onError: () => undefined }));
        assert.deepEqual(late, written.slice(25));
        assert.equal(store.watchStats().shared, 1);
        for (const w of watches) w.stop();
        assert.deepEqual(store.watchStats(), { shared: 0, watchers: 0, dedicated: 0 });
      } finally {
        await store.close();
      }
    });
  });

  describe('virtnet serve --store etcd', () => {
    let srv: ServerProcess | undefined;
    after(async () => {
      await srv?.stop();
    });

    it('kubectl create, get and watch work against an etcd-backed API server', { timeout: 60_000 }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), `${runId}-serve-`));
      srv = await ServerProcess.start(dataDir, ['--store', `etcd:${cluster!.endpoints.join(',')}`, '--no-controllers']);
      srv.kubectlOk(['create', 'namespace', 'etcd-demo']);
      const watch = srv.kubectlAsync(['get', 'configmaps', '-n', 'etcd-demo', '--watch', '-o', 'name']);
      try {
        srv.kubectlOk(['create', 'configmap', 'one', '-n', 'etcd-demo', '--from-literal=k=v']);
        const got = JSON.parse(srv.kubectlOk(['get', 'configmap', 'one', '-n', 'etcd-demo', '-o', 'json'])) as KubeObject;
        assert.deepEqual(got.data, { k: 'v' });
        srv.kubectlOk(['create', 'configmap', 'two', '-n', 'etcd-demo']);
        await until(() => (watch.output().includes('configmap/one') && watch.output().includes('configmap/two')) || undefined, 'kubectl get --watch to show both', 15_000);
        // The object really is in etcd, under the same key a SQLite store would use.
        const direct = await openEtcdStore({ endpoints: cluster!.endpoints, ...quiet });
        try {
          const stored = await direct.get('/registry/core/configmaps/etcd-demo/one');
          assert.equal(stored?.object.metadata.resourceVersion, got.metadata.resourceVersion);
        } finally {
          await direct.close();
        }
      } finally {
        watch.proc.kill('SIGKILL');
      }
    });
  });
}
