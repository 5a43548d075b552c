// Write throughput on etcd, in one run on one 3-member loopback cluster: etcd's own puts (the etcd3
// client), our Store's creates (a guarded txn each), and our API's creates (POST over HTTPS through
// `virtnet serve --store etcd:…`). The kube-apiserver write path can be no faster than etcd: the ratio
// API / etcd says how much of etcd's rate the API keeps.
// Usage: node dist/bench/store/etcd-bench.js [writes=2000] [concurrency=32]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import type { KubeObject } from '../../src/common/object.js';
import { openEtcdStore } from '../../src/api/storage/index.js';
import { EtcdCluster, findEtcd } from '../../test/support/etcd-cluster.js';
import { ServerProcess } from '../../test/support/server-process.js';

const N = Number(process.argv[2] ?? 2000);
const C = Number(process.argv[3] ?? 32);

/** About 1 KB of JSON, like a small ConfigMap. */
const cm = (ns: string, i: number): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: `cm-${i}`, namespace: ns, labels: { app: 'bench', index: String(i) } },
  data: { payload: 'x'.repeat(900) },
});

/** Runs n writes with c in flight; resolves to writes per second. */
async function drive(n: number, c: number, write: (i: number) => Promise<void>): Promise<{ perS: number; ms: number }> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => {
    for (let i = next++; i < n; i = next++) await write(i);
  }));
  const ms = performance.now() - t0;
  return { perS: Math.round((n / ms) * 1000), ms: Math.round(ms) };
}

const found = findEtcd();
if ('skip' in found) {
  console.log(`etcd bench skipped: ${found.skip}`);
  process.exit(0);
}
const runId = `vn-b${Math.random().toString(16).slice(2, 8)}`;
const cluster = await EtcdCluster.start(3, runId);
let srv: ServerProcess | undefined;
try {
  console.log(`etcd ${found.version}, 3 members on loopback (fsync on); ${N} writes of ~1 KB, ${C} in flight`);

  const raw = new Etcd3({ hosts: cluster.endpoints });
  const value = Buffer.from(JSON.stringify(cm('raw', 0)));
  const etcdPut = await drive(N, C, async (i) => {
    await raw.kv.put({ key: Buffer.from(`/${runId}/raw/${i}`), value });
  });
  raw.close();

  const store = await openEtcdStore({ endpoints: cluster.endpoints, keyPrefix: `/${runId}/store`, compactIntervalMs: 0 });
  const storeCreate = await drive(N, C, async (i) => {
    await store.create(`/registry/core/configmaps/bench/cm-${i}`, cm('bench', i));
  });
  await store.close();

  srv = await ServerProcess.start(mkdtempSync(join(tmpdir(), `${runId}-serve-`)), ['--store', `etcd:${cluster.endpoints.join(',')}`, '--no-controllers']);
  const ns = await srv.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  if (ns.status !== 201) throw new Error(`namespace: ${ns.status} ${ns.text}`);
  const apiCreate = await drive(N, C, async (i) => {
    const r = await srv!.request('POST', '/api/v1/namespaces/bench/configmaps', cm('bench', i));
    if (r.status !== 201) throw new Error(`create ${i}: ${r.status} ${r.text}`);
  });

  // The same API on SQLite: what the API costs without etcd in the path.
  const etcdSrv = srv;
  srv = await ServerProcess.start(mkdtempSync(join(tmpdir(), `${runId}-serve-`)), ['--no-controllers']);
  await etcdSrv.stop();
  await srv.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bench' } });
  const apiSqlite = await drive(N, C, async (i) => {
    const r = await srv!.request('POST', '/api/v1/namespaces/bench/configmaps', cm('bench', i));
    if (r.status !== 201) throw new Error(`create ${i}: ${r.status} ${r.text}`);
  });

  const row = (what: string, r: { perS: number; ms: number }) => console.log(`${what.padEnd(36)} ${String(r.perS).padStart(6)}/s  (${r.ms} ms)`);
  row('etcd put (etcd3 client)', etcdPut);
  row('Store.create on etcd (guarded txn)', storeCreate);
  row('API POST configmaps on etcd', apiCreate);
  row('API POST configmaps on SQLite', apiSqlite);
  console.log(`ratio store/etcd ${(storeCreate.perS / etcdPut.perS).toFixed(2)}, API/etcd ${(apiCreate.perS / etcdPut.perS).toFixed(2)}, API etcd/SQLite ${(apiCreate.perS / apiSqlite.perS).toFixed(2)}`);
} finally {
  await srv?.stop();
  await cluster.stop();
}
