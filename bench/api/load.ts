// The request workload: closed-loop clients that each send one request, wait for the reply, and take
// the next index until the count or the time limit runs out. The same phases run against both servers;
// api-bench.ts interleaves them (virtnet create, baseline create, virtnet get, ...) so that each pair
// of figures is measured seconds apart on this shared machine.
import type { BenchClient } from './http-client.js';
import { summarize, type LatencySummary } from './stats.js';
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

export type Op = 'create' | 'get' | 'list' | 'patch';
export const OPS: readonly Op[] = ['create', 'get', 'list', 'patch'];

const LIST_NS = 'bench-list';
const WARMUP_NS = 'bench-warmup';
/** Each round creates, gets and patches its own objects, in a namespace of its own. */
export const roundNamespace = (round: number): string => `bench-${round}`;

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

export function createNamespace(c: BenchClient, name: string): Promise<string> {
  return c.expect(201, 'POST', '/api/v1/namespaces', JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

/**
 * Untimed, once per server. Warm-up: a fresh process runs cold (JIT, 50 new connections, first file
 * growth); without it the first few hundred requests put a several-hundred-ms stall into the create
 * p99 of either server. Then the listed namespace gets exactly listSize objects, checked once.
 */
export async function prepare(c: BenchClient, s: Scale): Promise<void> {
  const loop = (op: string, n: number, fn: (i: number) => Promise<unknown>): Promise<OpResult> =>
    closedLoop(op, n, s.clients, s.phaseLimitMs, async (i) => void (await fn(i)));
  await createNamespace(c, WARMUP_NS);
  await createNamespace(c, LIST_NS);
  const results = [
    await loop('warm-up create', s.warmup, (i) => c.expect(201, 'POST', configMapsPath(WARMUP_NS), configMapBody(WARMUP_NS, `cm-${i}`))),
    await loop('warm-up get', s.warmup, (i) => c.expect(200, 'GET', configMapsPath(WARMUP_NS, `cm-${i}`))),
    await loop('warm-up list', Math.ceil(s.warmup / 5), () => c.expect(200, 'GET', configMapsPath(WARMUP_NS))),
    await loop('warm-up patch', s.warmup, (i) =>
      c.expect(200, 'PATCH', configMapsPath(WARMUP_NS, `cm-${i}`), '{"data":{"key0":"warm"}}', 'application/merge-patch+json')),
    await loop('list setup', s.listSize, (i) => c.expect(201, 'POST', configMapsPath(LIST_NS), configMapBody(LIST_NS, `cm-${i}`))),
  ];
  for (const r of results) if (r.errors) throw new Error(`${r.op} failed: ${r.firstError ?? ''}`);
  const items = (JSON.parse(await c.expect(200, 'GET', configMapsPath(LIST_NS))) as { items?: unknown[] }).items;
  if (items?.length !== s.listSize) throw new Error(`list returned ${items?.length ?? 'no'} items, want ${s.listSize}`);
}

/** One timed phase of one round. */
export async function runOp(c: BenchClient, s: Scale, op: Op, round: number): Promise<OpResult> {
  const ns = roundNamespace(round);
  const loop = (n: number, fn: (i: number) => Promise<string>): Promise<OpResult> =>
    closedLoop(op, n, s.clients, s.phaseLimitMs, async (i) => void (await fn(i)));
  switch (op) {
    case 'create':
      await createNamespace(c, ns);
      return loop(s.objects, (i) => c.expect(201, 'POST', configMapsPath(ns), configMapBody(ns, `cm-${i}`)));
    case 'get':
      return loop(s.objects, (i) => c.expect(200, 'GET', configMapsPath(ns, `cm-${i}`)));
    case 'list':
      return loop(s.lists, () => c.expect(200, 'GET', configMapsPath(LIST_NS)));
    case 'patch':
      return loop(s.objects, (i) => {
        const patch = JSON.stringify({ data: { key0: `patched-${i}` }, metadata: { labels: { patched: 'true' } } });
        return c.expect(200, 'PATCH', configMapsPath(ns, `cm-${i}`), patch, 'application/merge-patch+json');
      });
  }
}
