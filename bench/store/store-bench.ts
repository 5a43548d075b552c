// Store micro-benchmark: sequential durable writes, list, and watch fan-out.
// Usage: node dist/bench/store/store-bench.js [dir]   (dir defaults to a temp dir; use a real disk)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/common/object.js';
import { openSqliteStore } from '../../src/api/storage/index.js';

const dir = mkdtempSync(join(process.argv[2] ?? tmpdir(), 'virtnet-store-bench-'));
const PREFIX = '/registry/core/pods/';
/** Three namespaces of 1000 pods each, so a namespace list returns exactly 1000 of 3000. */
const key = (i: number) => `${PREFIX}bench-${i % 3}/pod-${i}`;

/** About 1.3 KB of JSON, like a small Pod. */
function pod(i: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${i}`,
      namespace: `bench-${i % 3}`,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      labels: { app: 'bench', tier: 'backend', index: String(i) },
      annotations: { 'example.com/note': 'x'.repeat(200) },
      creationTimestamp: '2024-01-01T00:00:00Z',
    },
    spec: {
      containers: [{ name: 'main', image: 'registry.example.com/app:1.2.3', args: ['--port', '8080'], resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
      nodeName: 'node-1',
    },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2024-01-01T00:00:00Z' }] },
  };
}

function rate(n: number, ms: number): string {
  return `${n} in ${ms.toFixed(0)} ms = ${Math.round((n / ms) * 1000)}/s`;
}

try {
  const store = await openSqliteStore({ path: join(dir, 'store.db') });
  const N = 3000;

  let t = performance.now();
  for (let i = 0; i < N; i++) await store.create(key(i), pod(i));
  console.log(`create (sequential, synchronous=FULL): ${rate(N, performance.now() - t)}`);

  const runs: number[] = [];
  for (let r = 0; r < 20; r++) {
    t = performance.now();
    const { items } = await store.list(`${PREFIX}bench-1/`);
    runs.push(performance.now() - t);
    if (r === 0) console.log(`list size: ${items.length} objects`);
  }
  runs.sort((a, b) => a - b);
  console.log(`list 1000 objects (~1.3 KB each): median ${runs[10]!.toFixed(2)} ms, min ${runs[0]!.toFixed(2)} ms`);

  let delivered = 0;
  for (let w = 0; w < 100; w++) {
    await store.watch(PREFIX, await store.revision(), { onEvent: () => void delivered++, onError: () => {} });
  }
  t = performance.now();
  for (let i = 0; i < N; i++) await store.update(key(i), pod(i));
  console.log(`update with 100 watchers: ${rate(N, performance.now() - t)} (${delivered} deliveries)`);

  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
