// API benchmark: the same HTTP workload against `virtnet serve` and against a minimal node:http +
// SQLite server (baseline-server.ts), in the same run, so the printed ratios compare like with like
// on this machine at this moment. Both servers run side by side; every phase runs on one, then at
// once on the other (first virtnet, then baseline; the next round the other way round).
// Usage: node dist/bench/api/api-bench.js [--rounds N] [--scale F] [--dir PARENT] [--cpu-prof DIR]
//   --scale 0.1 runs a tenth of the counts (a smoke test); --cpu-prof writes virtnet's CPU profiles to DIR.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchClient } from './http-client.js';
import { OPS, prepare, runOp } from './load.js';
import { FULL_SCALE, type Scale } from './shapes.js';
import { startServer, type RunningServer, type ServerKind } from './servers.js';
import { bestWatch, cpuLines, describeWatch, opTable, problemLines, roundLine, targetLines, type RoundResult } from './report.js';
import { runWatch } from './watch-load.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const rounds = Number(option('--rounds') ?? 3);
const factor = Number(option('--scale') ?? 1);
const cpuProfDir = option('--cpu-prof');
if (!(rounds >= 1) || !(factor > 0)) throw new Error('--rounds must be >= 1 and --scale > 0');
const scaled = (n: number): number => Math.max(1, Math.round(n * factor));
const scale: Scale = {
  ...FULL_SCALE,
  objects: scaled(FULL_SCALE.objects),
  warmup: scaled(FULL_SCALE.warmup),
  lists: scaled(FULL_SCALE.lists),
  changes: scaled(FULL_SCALE.changes),
};

/** The filesystem the data dirs live on: fsync cost, and so write throughput, depends on it. */
function fsTypeOf(dir: string): string {
  const real = realpathSync(dir);
  let best = { mount: '', type: 'unknown' };
  for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
    const [, mount, type] = line.split(' ');
    if (mount && type && (real === mount || real.startsWith(mount.endsWith('/') ? mount : `${mount}/`)) && mount.length >= best.mount.length) {
      best = { mount, type };
    }
  }
  return best.type;
}

const parent = mkdtempSync(join(option('--dir') ?? tmpdir(), 'virtnet-api-bench-'));
// Children are SIGKILLed by servers.ts on exit; the data dirs go with the parent.
process.on('exit', () => rmSync(parent, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

console.log('virtnet API benchmark: virtnet serve vs baseline (bench/api/baseline-server.ts: bare node:http + better-sqlite3,');
console.log('  WAL + synchronous=FULL like virtnet, no validation/auth/event log), both child processes with fresh data dirs.');
console.log(`machine: ${cpus().length} CPU cores SHARED by the load generator (this process: ${scale.clients} keep-alive clients, ` +
  `${scale.watchers} watch streams) and the server being measured (the other one idles); node ${process.version}; data in ${parent} (${fsTypeOf(parent)}).`);
console.log(`workload per server, after an untimed warm-up (${scale.warmup} each of create/get/patch in another namespace): create ${scale.objects} ConfigMaps (~1 KB), get ${scale.objects}, list ${scale.listSize} objects x ${scale.lists}, ` +
  `merge-patch ${scale.objects}; then ${scale.watchers} watchers x ${scale.changes} changes at ${scale.changeRate}/s from ${scale.changeWriters} writers.`);
console.log(`rounds: ${rounds}; in each, every phase runs on both servers back to back (order alternates per round); each round uses new objects.`);
console.log('figures are the best round per server: highest ops/s per op (with that round\'s p50/p99), lowest watch p99.');
console.log('');

const results: Record<ServerKind, RoundResult[]> = { virtnet: [], baseline: [] };
const failures: string[] = [];
const problems: string[] = [];
const servers = new Map<ServerKind, { server: RunningServer; client: BenchClient }>();
const failed = (label: string, e: unknown): void => {
  const msg = e instanceof Error ? e.message : String(e);
  failures.push(`${label}: ${msg.split('\n').slice(0, 12).join('\n    ')}`);
  console.log(`${label}: FAILED (see below)`);
};

// virtnet serves HTTPS (kubectl sends tokens only over TLS); the baseline does whatever virtnet did.
let tls = true;
try {
  // Both servers stay up for the whole run (the idle one costs nothing) so that the phases interleave.
  for (const kind of ['virtnet', 'baseline'] as const) {
    const flags = kind === 'virtnet' && cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfDir)}`] : [];
    try {
      const server = await startServer(kind, parent, tls, flags);
      if (kind === 'virtnet') tls = server.url.protocol === 'https:';
      const client = new BenchClient(server.url, server.token, scale.clients, server.ca);
      servers.set(kind, { server, client });
      await prepare(client, scale);
    } catch (e) {
      failed(`${kind} start/prepare`, e);
      const started = servers.get(kind);
      servers.delete(kind);
      started?.client.close();
      await started?.server.stop();
    }
  }
  for (let round = 1; round <= rounds; round++) {
    // Alternate who goes first (virtnet, baseline / baseline, virtnet) so drift favours neither.
    const order = (round % 2 ? (['virtnet', 'baseline'] as const) : (['baseline', 'virtnet'] as const)).filter((k) => servers.has(k));
    const got = new Map(order.map((k) => [k, { ops: new Map(), watch: undefined, cpuMs: new Map() } as RoundResult]));
    for (const op of [...OPS, 'watch' as const]) {
      for (const kind of order) {
        const { client, server } = servers.get(kind)!;
        const r = got.get(kind)!;
        const cpu0 = server.cpuSeconds();
        try {
          if (op === 'watch') {
            r.watch = await runWatch(client, scale, round);
            r.cpuMs.set(op, ((server.cpuSeconds() - cpu0) * 1000) / r.watch.sent);
          } else {
            const res = await runOp(client, scale, op, round);
            r.ops.set(op, res);
            r.cpuMs.set(op, ((server.cpuSeconds() - cpu0) * 1000) / res.ok);
          }
        } catch (e) {
          failed(`round ${round} ${kind} ${op}`, e);
        }
      }
    }
    for (const kind of order) {
      const r = got.get(kind)!;
      results[kind].push(r);
      problems.push(...problemLines(`round ${round} ${kind}`, r));
      console.log(roundLine(`round ${round} ${kind.padEnd(8)}`, r));
    }
  }
} finally {
  for (const { server, client } of servers.values()) {
    client.close();
    await server.stop();
  }
}

console.log('');
for (const line of opTable(results.virtnet, results.baseline)) console.log(line);
console.log('(ops/s; p50/p99 in ms per request as seen by the client; "paired" = median over rounds of the ratio of back-to-back runs;');
console.log(' * = that run had failed requests or hit the time limit, see errors below)');
const vw = bestWatch(results.virtnet);
const bw = bestWatch(results.baseline);
console.log(`watch delivery p50/p99/max (ms) for ${scale.watchers} watchers x ${scale.changes} changes:`);
console.log(`  virtnet  ${describeWatch(vw)}`);
console.log(`  baseline ${describeWatch(bw)}`);
if (vw && bw) console.log(`  ratio p99 (virtnet/baseline) ${(vw.latency.p99 / bw.latency.p99).toFixed(2)}x`);
for (const line of cpuLines(results.virtnet, results.baseline)) console.log(line);
for (const line of targetLines(results.virtnet, results.baseline)) console.log(line);
console.log(`transport: ${tls ? 'HTTPS (TLS) for both servers' : 'plain HTTP for both servers'}, keep-alive connections.`);
if (problems.length) console.log(`errors:\n  ${problems.join('\n  ')}`);
if (failures.length) console.log(`failed:\n  ${failures.join('\n  ')}`);
process.exitCode = failures.length || problems.length ? 1 : 0;
