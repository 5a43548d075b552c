// The request workload: closed-loop clients that each send one request, wait for the reply, and take
// the next index until the count or the time limit runs out. The same workload runs against both servers.
import type { BenchClient } from './http-client.js';
import { summarize, type LatencySummary } from './stats.js';
import { runWatch, type WatchResult } from './watch-load.js';
import { configMapBody, configMapsPath, type Scale } from './shapes.js';

export interface OpResult {
  op: string;
  wanted: number;
  ok: number;
  errors: number;
  firstError: string | undefined;
  opsPerSec: number;
  latency: LatencySummary;
}

export interface WorkloadResult {
  ops: OpResult[];
  watch: WatchResult;
}

const NS = 'bench';
const LIST_NS = 'bench-list';
const WATCH_NS = 'bench-watch';
const WARMUP_NS = 'bench-warmup';

type Loop = (op: string, n: number, fn: (i: number) => Promise<void>) => Promise<OpResult>;

/**
 * Untimed: a fresh process runs cold (JIT, 50 new connections, first file growth); without this the
 * first few hundred requests put a several-hundred-ms stall into the create p99 of either server.
 */
async function warmUp(c: BenchClient, s: Scale, loop: Loop): Promise<void> {
  await c.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: WARMUP_NS } }));
  const results = [
    await loop('warm-create', s.warmup, (i) => c.expect(201, 'POST', configMapsPath(WARMUP_NS), configMapBody(WARMUP_NS, `cm-${i}`)).then(() => {})),
    await loop('warm-get', s.warmup, (i) => c.expect(200, 'GET', configMapsPath(WARMUP_NS, `cm-${i}`)).then(() => {})),
    await loop('warm-list', Math.ceil(s.warmup / 5), () => c.expect(200, 'GET', configMapsPath(WARMUP_NS)).then(() => {})),
    await loop('warm-patch', s.warmup, (i) =>
      c.expect(200, 'PATCH', configMapsPath(WARMUP_NS, `cm-${i}`), '{"data":{"key0":"warm"}}', 'application/merge-patch+json').then(() => {})),
  ];
  for (const r of results) if (r.errors) throw new Error(`${r.op} failed: ${r.firstError ?? ''}`);
}

/** Runs `fn(i)` for i in [0, n) on `clients` concurrent loops; times each call that resolves. */
export async function closedLoop(op: string, n: number, clients: number, limitMs: number, fn: (i: number) => Promise<void>): Promise<OpResult> {
  const lat = new Float64Array(n);
  let next = 0;
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + limitMs;
  const worker = async (): Promise<void> => {
    while (next < n && performance.now() < deadline) {
      const i = next++;
      const t = performance.now();
      try {
        await fn(i);
        lat[ok++] = performance.now() - t;
      } catch (e) {
        errors++;
        firstError ??= e instanceof Error ? e.message : String(e);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { op, wanted: n, ok, errors, firstError, opsPerSec: ok / seconds, latency: summarize(lat.subarray(0, ok)) };
}

export async function runWorkload(c: BenchClient, s: Scale): Promise<WorkloadResult> {
  for (const ns of [NS, LIST_NS, WATCH_NS]) {
    await c.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }));
  }
  const ops: OpResult[] = [];
  const loop = (op: string, n: number, fn: (i: number) => Promise<void>): Promise<OpResult> => closedLoop(op, n, s.clients, s.phaseLimitMs, fn);
  await warmUp(c, s, loop);

  ops.push(await loop('create', s.objects, async (i) => {
    await c.expect(201, 'POST', configMapsPath(NS), configMapBody(NS, `cm-${i}`));
  }));
  ops.push(await loop('get', s.objects, async (i) => {
    await c.expect(200, 'GET', configMapsPath(NS, `cm-${i % s.objects}`));
  }));

  // Untimed setup: the listed namespace holds exactly listSize objects; check once that the list returns them all.
  const setup = await loop('setup', s.listSize, async (i) => {
    await c.expect(201, 'POST', configMapsPath(LIST_NS), configMapBody(LIST_NS, `cm-${i}`));
  });
  if (setup.errors) throw new Error(`list setup failed: ${setup.firstError ?? ''}`);
  const items = (JSON.parse(await c.expect(200, 'GET', configMapsPath(LIST_NS))) as { items?: unknown[] }).items;
  if (items?.length !== s.listSize) throw new Error(`list returned ${items?.length ?? 'no'} items, want ${s.listSize}`);
  ops.push(await loop('list', s.lists, async () => {
    await c.expect(200, 'GET', configMapsPath(LIST_NS));
  }));

  ops.push(await loop('patch', s.objects, async (i) => {
    const patch = JSON.stringify({ data: { key0: `patched-${i}` }, metadata: { labels: { patched: 'true' } } });
    await c.expect(200, 'PATCH', configMapsPath(NS, `cm-${i % s.objects}`), patch, 'application/merge-patch+json');
  }));

  const watch = await runWatch(c, s, WATCH_NS);
  return { ops, watch };
}
