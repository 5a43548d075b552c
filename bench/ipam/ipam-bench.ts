// IPAM benchmark against a real `virtnet serve` (API server and all controllers in one process, no nodes
// or agents), each figure measured side by side with a baseline in the same run. Two measurements:
// - loop: 50 concurrent claimers; each creates a VMI and waits until its IPAMClaim holds an address.
//   controller: the VMI is on a primary UDN; the IPAM controller does the rest (informer → pick → claim
//   create → claim status), seen through one shared watch. This is the whole control loop, VMI create
//   included, not the pick alone.
//   naive: the VMI is on the pod network (the controller leaves it alone); the claimer allocates like
//   whereabouts (naive-allocator.ts) and writes the same claim itself.
// - backlog: N VMIs already exist (and have been through the scheduler) when their network appears.
//   controller: the NAD is created; time until all N claims hold addresses. This is the allocation rate
//   proper: two API writes per allocation (claim create, claim status), picks in memory.
//   naive: 50 clients allocate whereabouts-style for the N existing VMIs.
// Every address of every phase is checked for duplicates. The naive phases stop starting new allocations
// after --naive-budget seconds (their rate only falls as the pool object grows, so this flatters them).
// Usage: node dist/bench/ipam/ipam-bench.js [--claims N] [--clients C] [--rounds R] [--naive-budget S]
//        [--only loop|backlog] [--cpu-prof DIR]   (--cpu-prof: the server's CPU profile, summarised)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ApiClient, R, ref, type ResourceRef } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { NetworkPool } from '../../src/controllers/ipam/network-pool.js';
import { repoRoot, startServer, type RunningServer } from '../api/servers.js';
import { summarize, fmtMs, fmtRate, fmtRatio } from '../api/stats.js';
import { readProfile, summarize as summarizeProfiles, summaryLines } from '../nmstate/profile.js';
import { ClaimWaiter } from './claim-waiter.js';
import { NaiveAllocator } from './naive-allocator.js';

function stringOption(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
function option(name: string, dflt: number): number {
  const s = stringOption(name);
  const v = s === undefined ? dflt : Number(s);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a positive integer`);
  return v;
}

const CLAIMS = option('--claims', 1000);
const CLIENTS = option('--clients', 50);
const ROUNDS = option('--rounds', 1);
const NAIVE_BUDGET_MS = option('--naive-budget', 30) * 1000;
const ONLY = stringOption('--only');
const CPU_PROF = stringOption('--cpu-prof');
if (ONLY !== undefined && ONLY !== 'loop' && ONLY !== 'backlog') throw new Error('--only takes loop or backlog');
const WARMUP = 100;
const SUBNET = '10.128.0.0/16';
const TARGET = 500;
const IPAM_CLAIM: ResourceRef = ref('k8s.cni.cncf.io', 'IPAMClaim');

type Mode = 'loop' | 'backlog';
type Path = 'controller' | 'naive';

interface Phase {
  mode: Mode;
  path: Path;
  /** Allocations completed (fewer than asked when a naive phase ran out of budget). */
  done: number;
  seconds: number;
  /** Per-claim latencies (ms), loop mode only. */
  latencies?: Float64Array;
  cpu: number;
  conflicts: number;
  transport: number;
  duplicates: number;
}

const UDN_IFACE = { name: 'primary-udn', binding: { name: 'l2bridge' } };
const UDN_NET = { name: 'primary-udn', pod: {} };

function vmiBody(name: string, onUdn: boolean): KubeObject {
  return {
    apiVersion: 'kubevirt.io/v1', kind: 'VirtualMachineInstance', metadata: { name },
    spec: {
      domain: { devices: { interfaces: [onUdn ? UDN_IFACE : { name: 'default', masquerade: {} }] }, resources: { requests: { memory: '64Mi' } } },
      networks: [onUdn ? UDN_NET : { name: 'default', pod: {} }],
    },
  };
}

const createNamespace = (client: ApiClient, ns: string): Promise<unknown> =>
  client.create(R.namespace, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });

function createUdnNad(client: ApiClient, ns: string): Promise<unknown> {
  const config = JSON.stringify({
    cniVersion: '1.0.0', type: 'ovn-k8s-cni-overlay', name: `${ns}.primary-udn`, netAttachDefName: `${ns}/primary-udn`,
    topology: 'layer2', role: 'primary', subnets: SUBNET, joinSubnets: '100.65.0.0/16,fd99::/64', allowPersistentIPs: true,
  });
  return client.create(R.nad, ns, { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name: 'primary-udn', labels: { 'k8s.ovn.org/user-defined-network': '' } }, spec: { config } });
}

/** `n` jobs through `clients` concurrent loops, none started after `budgetMs`; latencies of the completed ones. */
async function drive(n: number, clients: number, budgetMs: number, one: (i: number) => Promise<void>): Promise<{ done: number; seconds: number; latencies: Float64Array }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = next++; i < n && performance.now() - t0 < budgetMs; i = next++) {
      const s = performance.now();
      await one(i);
      lat.push(performance.now() - s);
    }
  }));
  return { done: lat.length, seconds: (performance.now() - t0) / 1000, latencies: Float64Array.from(lat) };
}

/** Creates `n` VMIs and waits until the scheduler has looked at each (so its writes are not measured). */
async function existingVmis(client: ApiClient, ns: string, n: number, onUdn: boolean): Promise<void> {
  await drive(n, CLIENTS, Infinity, async (i) => { await client.create(R.vmi, ns, vmiBody(`c${i}`, onUdn)); });
  for (;;) {
    const { items } = await client.list<KubeObject>(R.vmi, ns);
    if (items.filter((v) => (v.status as { phase?: string } | undefined)?.phase).length === n) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function naiveClaim(client: ApiClient, alloc: NaiveAllocator, ns: string, vmiName: string): Promise<void> {
  const ip = await alloc.allocate(`${ns}/${vmiName}`);
  const claim = await client.create<KubeObject>(IPAM_CLAIM, ns, {
    apiVersion: 'k8s.cni.cncf.io/v1alpha1', kind: 'IPAMClaim',
    metadata: { name: `${vmiName}.net`, labels: { 'kubevirt.io/vm': vmiName } },
    spec: { network: `${ns}.net`, interface: 'default' },
  });
  await client.patch(IPAM_CLAIM, ns, claim.metadata.name ?? '', 'merge',
    { metadata: { resourceVersion: claim.metadata.resourceVersion }, status: { ips: [ip], ownerPod: { name: `virt-launcher-${vmiName}` } } }, { subresource: 'status' });
}

type Measured = Omit<Phase, 'duplicates'>;

async function loopController(client: ApiClient, ns: string, n: number, server: RunningServer): Promise<Measured> {
  await createNamespace(client, ns);
  await createUdnNad(client, ns);
  const waiter = new ClaimWaiter(client, IPAM_CLAIM, ns);
  await waiter.start();
  const cpu0 = server.cpuSeconds();
  try {
    const r = await drive(n, CLIENTS, Infinity, async (i) => {
      const got = waiter.wait(`c${i}.primary-udn`);
      await client.create(R.vmi, ns, vmiBody(`c${i}`, true));
      await got;
    });
    return { mode: 'loop', path: 'controller', ...r, cpu: server.cpuSeconds() - cpu0, conflicts: 0, transport: 0 };
  } finally {
    waiter.stop();
  }
}

async function loopNaive(client: ApiClient, ns: string, n: number, server: RunningServer): Promise<Measured> {
  await createNamespace(client, ns);
  const alloc = new NaiveAllocator(client, ns, 'ippool', SUBNET);
  await alloc.createPool();
  const cpu0 = server.cpuSeconds();
  const r = await drive(n, CLIENTS, NAIVE_BUDGET_MS, async (i) => {
    await client.create(R.vmi, ns, vmiBody(`c${i}`, false));
    await naiveClaim(client, alloc, ns, `c${i}`);
  });
  return { mode: 'loop', path: 'naive', ...r, cpu: server.cpuSeconds() - cpu0, conflicts: alloc.conflicts, transport: alloc.transportRetries };
}

async function backlogController(client: ApiClient, ns: string, n: number, server: RunningServer): Promise<Measured> {
  await createNamespace(client, ns);
  await existingVmis(client, ns, n, true);
  const waiter = new ClaimWaiter(client, IPAM_CLAIM, ns);
  await waiter.start();
  try {
    const cpu0 = server.cpuSeconds();
    const t0 = performance.now();
    const all = Promise.all(Array.from({ length: n }, (_, i) => waiter.wait(`c${i}.primary-udn`, 300_000)));
    await createUdnNad(client, ns);
    await all;
    return { mode: 'backlog', path: 'controller', done: n, seconds: (performance.now() - t0) / 1000, cpu: server.cpuSeconds() - cpu0, conflicts: 0, transport: 0 };
  } finally {
    waiter.stop();
  }
}

async function backlogNaive(client: ApiClient, ns: string, n: number, server: RunningServer): Promise<Measured> {
  await createNamespace(client, ns);
  await existingVmis(client, ns, n, false);
  const alloc = new NaiveAllocator(client, ns, 'ippool', SUBNET);
  await alloc.createPool();
  const cpu0 = server.cpuSeconds();
  const r = await drive(n, CLIENTS, NAIVE_BUDGET_MS, (i) => naiveClaim(client, alloc, ns, `c${i}`));
  return { mode: 'backlog', path: 'naive', done: r.done, seconds: r.seconds, cpu: server.cpuSeconds() - cpu0, conflicts: alloc.conflicts, transport: alloc.transportRetries };
}

/** The namespace holds exactly `n` claims, each with an address; returns how many addresses repeat. */
async function duplicates(client: ApiClient, ns: string, n: number): Promise<number> {
  const { items } = await client.list<KubeObject>(IPAM_CLAIM, ns);
  const ips = items.flatMap((c) => (c.status as { ips?: string[] } | undefined)?.ips ?? []);
  if (items.length !== n || ips.length !== n) throw new Error(`${ns}: ${items.length} claims holding ${ips.length} addresses, expected ${n}`);
  return ips.length - new Set(ips).size;
}

function pureAllocatorRate(): { picks: number; ms: number } {
  const pool = new NetworkPool('bench.pure');
  pool.setSubnets([SUBNET]);
  const t0 = performance.now();
  let picks = 0;
  while ('ips' in pool.allocate(`h${picks}`)) picks++;
  return { picks, ms: performance.now() - t0 };
}

function line(p: Phase, round: number): string {
  const rate = `${fmtRate(p.done / p.seconds).padStart(5)} alloc/s`;
  const lat = p.latencies ? summarize(p.latencies) : undefined;
  const latText = lat ? `  p50 ${fmtMs(lat.p50).padStart(6)} ms  p99 ${fmtMs(lat.p99).padStart(6)} ms` : '';
  const short = p.done < CLAIMS ? `  (budget: ${p.done} of ${CLAIMS} in ${p.seconds.toFixed(1)} s)` : `  (${p.done} in ${p.seconds.toFixed(1)} s)`;
  const retries = p.path === 'naive' ? `  409 retries ${p.conflicts}${p.transport ? `, transport retries ${p.transport}` : ''}` : '';
  return `round ${round} ${p.mode.padEnd(7)} ${p.path.padEnd(10)} ${rate}${latText}  server CPU ${(p.cpu * 1000 / p.done).toFixed(2)} ms/alloc${retries}  duplicates ${p.duplicates}${short}`;
}

const parent = mkdtempSync(join(tmpdir(), 'virtnet-ipam-bench-'));
process.on('exit', () => rmSync(parent, { recursive: true, force: true }));
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(130));

console.log(`virtnet IPAM benchmark: ${CLAIMS} allocations per phase, ${CLIENTS} concurrent claimers, ${ROUNDS} round(s), subnet ${SUBNET}; naive phases stop after ${NAIVE_BUDGET_MS / 1000} s.`);
console.log(`machine: ${cpus().length} CPU cores shared by this load generator and virtnet serve (API server + all controllers in one process); node ${process.version}.`);
console.log('loop    controller: create a VMI on a primary UDN, wait (shared watch) for its IPAMClaim to hold an address: the IPAM controller\'s whole loop.');
console.log('loop    naive:      create a VMI, then whereabouts-style: GET the pool object, first free, PUT with resourceVersion (retry on 409); create the claim, write its status.');
console.log('backlog controller: N VMIs exist when their UDN\'s NAD is created; time until every claim holds an address (2 API writes per allocation).');
console.log('backlog naive:      the same N existing VMIs, allocated whereabouts-style by the claimers.');
console.log('rate: allocations / wall time; latency (loop): from the VMI create request to the claim holding an address.');
console.log('');

const server = await startServer('virtnet', parent, true, CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(CPU_PROF)}`] : []);
const client = new ApiClient({ server: server.url.toString().replace(/\/$/, ''), token: server.token, ca: server.ca ?? '', userAgent: 'ipam-bench' });
const phases: Phase[] = [];
let failed = false;
try {
  // Untimed warm-up of both paths (JIT, SQLite pages, informer caches).
  await loopController(client, 'warm-ctl', WARMUP, server);
  await loopNaive(client, 'warm-naive', WARMUP, server);
  for (let r = 0; r < ROUNDS; r++) {
    const order: Path[] = r % 2 === 0 ? ['controller', 'naive'] : ['naive', 'controller'];
    for (const mode of (['loop', 'backlog'] as const).filter((m) => ONLY === undefined || m === ONLY)) {
      for (const path of order) {
        const ns = `${mode}-${path}-r${r}`;
        const run = mode === 'loop' ? (path === 'controller' ? loopController : loopNaive) : (path === 'controller' ? backlogController : backlogNaive);
        const m = await run(client, ns, CLAIMS, server);
        const p: Phase = { ...m, duplicates: await duplicates(client, ns, m.done) };
        phases.push(p);
        console.log(line(p, r + 1));
        if (p.duplicates > 0) failed = true;
      }
    }
  }
} catch (e) {
  failed = true;
  console.log(`FAILED: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  client.close();
  await server.stop();
}

console.log('');
const rate = (p: Phase): number => p.done / p.seconds;
const best = (mode: Mode, path: Path): Phase | undefined => phases.filter((x) => x.mode === mode && x.path === path).sort((a, b) => rate(b) - rate(a))[0];
for (const mode of ['loop', 'backlog'] as const) {
  const c = best(mode, 'controller');
  const n = best(mode, 'naive');
  if (!c || !n) continue;
  const p99 = c.latencies && n.latencies ? `; p99 ${fmtMs(summarize(c.latencies).p99)} vs ${fmtMs(summarize(n.latencies).p99)} ms` : '';
  console.log(`${mode.padEnd(7)}: controller ${fmtRate(rate(c))} alloc/s vs naive ${fmtRate(rate(n))} alloc/s = ${fmtRatio(rate(c) / rate(n))}${p99}`);
}
const backlog = best('backlog', 'controller');
const loop = best('loop', 'controller');
if (backlog || loop) {
  const figure = backlog ?? loop!;
  console.log(`target >= ${TARGET} allocations/s (${figure.mode}): ${rate(figure) >= TARGET ? 'met' : 'NOT met'} (${fmtRate(rate(figure))})`);
}
console.log(`duplicates over all phases: ${phases.reduce((s, p) => s + p.duplicates, 0)}`);
if (CPU_PROF) {
  const files = readdirSync(CPU_PROF).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(CPU_PROF, f));
  console.log(`server CPU profile (${files.join(', ')}):`);
  for (const l of summaryLines(summarizeProfiles(files.map(readProfile), repoRoot), '  ', 12, 25)) console.log(l);
}
const pure = pureAllocatorRate();
console.log(`pure allocator (NetworkPool, in process): ${pure.picks} picks filling ${SUBNET} in ${pure.ms.toFixed(0)} ms = ${fmtRate(pure.picks / (pure.ms / 1000))} picks/s`);
process.exit(failed ? 1 : 0);
