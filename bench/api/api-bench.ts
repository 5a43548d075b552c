// API benchmark: the same HTTP workload against `virtnet serve` and against a minimal node:http +
// SQLite server (baseline-server.ts), in the same run, so the printed ratios compare like with like
// on this machine at this moment. Rounds interleave (virtnet, baseline, virtnet, baseline, ...).
// Usage: node dist/bench/api/api-bench.js [--rounds N] [--scale F] [--dir PARENT] [--cpu-prof DIR]
//   --scale 0.1 runs a tenth of the counts (a smoke test); --cpu-prof writes virtnet's CPU profiles to DIR.
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchClient } from './http-client.js';
import { runWorkload, type WorkloadResult } from './load.js';
import { FULL_SCALE, type Scale } from './shapes.js';
import { startServer, type ServerKind } from './servers.js';
import { bestOps, bestWatch, describeWatch, opTable, problemLines, roundLine, targetLines } from './report.js';

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
  `${scale.watchers} watch streams) and the server under test; node ${process.version}; data in ${parent} (${fsTypeOf(parent)}).`);
console.log(`workload per server, after an untimed warm-up (${scale.warmup} each of create/get/patch in another namespace): create ${scale.objects} ConfigMaps (~1 KB), get ${scale.objects}, list ${scale.listSize} objects x ${scale.lists}, ` +
  `merge-patch ${scale.objects}; then ${scale.watchers} watchers x ${scale.changes} changes at ${scale.changeRate}/s from ${scale.changeWriters} writers.`);
console.log(`rounds: ${rounds} x (virtnet, baseline); figures are the best round: highest ops/s per op (with that round's p50/p99), lowest watch p99.`);
console.log('');

const results: Record<ServerKind, WorkloadResult[]> = { virtnet: [], baseline: [] };
// virtnet serves HTTPS (kubectl sends tokens only over TLS); the baseline follows whatever virtnet did.
let tls = true;
const failures: string[] = [];
const problems: string[] = [];

for (let round = 1; round <= rounds; round++) {
  for (const kind of ['virtnet', 'baseline'] as const) {
    const label = `round ${round} ${kind}`;
    const flags = kind === 'virtnet' && cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(cpuProfDir)}`] : [];
    let server;
    try {
      server = await startServer(kind, parent, tls, flags);
      if (kind === 'virtnet') tls = server.url.protocol === 'https:';
      const client = new BenchClient(server.url, server.token, scale.clients, server.ca);
      try {
        const r = await runWorkload(client, scale);
        results[kind].push(r);
        problems.push(...problemLines(label, r));
        console.log(roundLine(label, r));
      } finally {
        client.close();
      }
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      failures.push(`${label}: ${msg.split('\n').slice(0, 12).join('\n    ')}`);
      console.log(`${label}: FAILED (see below)`);
    } finally {
      await server?.stop();
    }
  }
}

const v = bestOps(results.virtnet);
const b = bestOps(results.baseline);
const vw = bestWatch(results.virtnet);
const bw = bestWatch(results.baseline);
console.log('');
for (const line of opTable(v, b)) console.log(line);
console.log('(ops/s; p50 and p99 in ms per request, as seen by the client)');
console.log(`watch delivery p50/p99/max (ms) for ${scale.watchers} watchers x ${scale.changes} changes:`);
console.log(`  virtnet  ${describeWatch(vw)}`);
console.log(`  baseline ${describeWatch(bw)}`);
if (vw && bw) console.log(`  ratio p99 (virtnet/baseline) ${(vw.latency.p99 / bw.latency.p99).toFixed(2)}x`);
for (const line of targetLines(v, b, vw, bw)) console.log(line);
if (problems.length) console.log(`errors:\n  ${problems.join('\n  ')}`);
if (failures.length) console.log(`failed runs:\n  ${failures.join('\n  ')}`);
console.log(`transport: ${tls ? 'HTTPS (TLS) for both servers' : 'plain HTTP for both servers'}, keep-alive connections.`);
process.exitCode = failures.length || problems.length ? 1 : 0;
