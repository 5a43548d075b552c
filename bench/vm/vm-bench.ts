// VM benchmarks through the whole stack — `virtnet serve` + `virtnet lab up` (3 workers, 2 bare-metal nodes
// with br-flat, the netns VM runtime) in a fresh data directory — each against a baseline without virtnet
// measured in the same run:
//   burst — N netns VMs (masquerade pod NIC + bridge NIC on the NAD flatnetwork on br-flat) created at once;
//           per VM the time from the creates to its VMI's flat NIC reporting a 192.168.x address, and to
//           Running, with the steps in between. Baseline: N bare namespaces with a veth on br-flat and busybox
//           udhcpc, started at once, against the same dnsmasq.
//   iperf — TCP throughput VM → VM over the bridge NICs (two nodes; one node) vs a raw veth pair.
// Usage (root): node dist/bench/vm/vm-bench.js [--vms N] [--rounds N] [--seconds S] [--only burst|iperf]
//                 [--time-limit SECONDS] [--keep-data] [--profile]
// Everything is named vn-<id>-… (id vb + 4 random characters): the lab, its namespaces (the VMs' and the
// baselines'), the data directory; `lab down` and the server's stop run at the end, on error, on Ctrl-C
// and at the time limit.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAll, installCleanupHandlers, isAborted, onCleanup } from '../nmstate/cleanup.js';
import { netnsList } from '../nmstate/util.js';
import { runDhcpBaseline, UDHCPC_OPTS, type BaselineResult } from './dhcp-baseline.js';
import { iperfMedians, runIperf, type IperfResult } from './iperf.js';
import { BAREMETAL, startStack, stragglers, type Stack } from './stack.js';
import { max, ms, pct, ratio, table } from './stats.js';
import { runBurst, type BurstResult } from './vm-burst.js';
import { VmiTimeline } from './vmi-timeline.js';
import { labDhcpDrops } from './udp-drops.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const only = option('--only');
if (only !== undefined && only !== 'burst' && only !== 'iperf') throw new Error('--only takes burst or iperf');
const vms = Number(option('--vms') ?? 100);
const rounds = Number(option('--rounds') ?? 3);
const seconds = Number(option('--seconds') ?? 5);
const timeLimitS = Number(option('--time-limit') ?? 600);
// Keeps the data directory (agent and dnsmasq logs, the VMs' udhcpc logs) for a look afterwards.
const keepData = process.argv.includes('--keep-data');
// Adds iperf runs with bridge-nf-call-iptables off on the whole path (where the throughput goes).
const profile = process.argv.includes('--profile');
for (const [k, v, hi] of [['--vms', vms, 1000], ['--rounds', rounds, 9], ['--seconds', seconds, 60], ['--time-limit', timeLimitS, 7200]] as const) {
  if (!Number.isInteger(v) || v < 1 || v > hi) throw new Error(`${k} must be a whole number from 1 to ${hi}`);
}
if (process.getuid?.() !== 0) throw new Error('run as root: the benchmark creates network namespaces');

const rand = randomBytes(4);
const id = `vb${[...rand].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('')}`;
const prefix = `vn-${id}-`;
const loads = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');
const log = (line: string): void => {
  if (!isAborted()) console.log(line);
};

installCleanupHandlers(timeLimitS * 1000);
const dataDir = mkdtempSync(join(tmpdir(), `${prefix}data-`));
const removeData = (): void => {
  if (keepData) console.log(`kept the data directory ${dataDir}`);
  else rmSync(dataDir, { recursive: true, force: true });
};
onCleanup({ name: `data directory ${dataDir}`, run: async () => removeData(), runSync: removeData });

function burstReport(b: BurstResult, base: BaselineResult | undefined): string[] {
  const out: string[] = [];
  const addressed = b.addressed.filter(Number.isFinite).length;
  out.push(`${b.n} netns VMs with a bridge NIC on flatnetwork, created at once (parallel POSTs); ms from the first create:`);
  const row = (name: string, xs: number[]): string[] => [name, ms(pct(xs, 0.5)), ms(pct(xs, 0.9)), ms(pct(xs, 0.99)), ms(max(xs))];
  const rows: string[][] = [['', 'p50', 'p90', 'p99', 'max'],
    row('VM create answered', b.createAck),
    row('VMI created (VM controller)', b.created),
    row('VMI scheduled (VMI controller)', b.scheduled),
    row('VMI Running (agent launched it)', b.running),
    row('flat NIC 192.168.x on the VMI', b.addressed)];
  if (base) rows.push(row('baseline: udhcpc address set', base.addressed));
  out.push(...table(rows).map((l) => `  ${l}`));
  const stage = (name: string, from: number[], to: number[]): string[] => {
    const d = to.map((t, i) => t - from[i]!);
    return [name, ms(pct(d, 0.5)), ms(pct(d, 0.9)), ms(pct(d, 0.99)), ms(max(d))];
  };
  out.push('  per VM, time spent in each step:');
  out.push(...table([['', 'p50', 'p90', 'p99', 'max'],
    stage('create → VMI created', b.createAck, b.created),
    stage('VMI created → scheduled', b.created, b.scheduled),
    stage('scheduled → Running', b.scheduled, b.running),
    stage('Running → address reported', b.running, b.addressed)]).map((l) => `    ${l}`));
  out.push(`  all ${b.n} Running after ${ms(max(b.running))}; all addressed after ${ms(max(b.addressed))} (${addressed}/${b.n}); ` +
    `per node: ${[...b.perNode].sort().map(([n, c]) => `${n} ${c}`).join(', ')}; deleting all took ${ms(b.deleteMs)}`);
  const disc = (xs: number[]): string => `median ${pct(xs, 0.5)}, max ${max(xs)}, ${xs.filter((x) => x > 1).length} with more than one`;
  out.push(`  DHCPDISCOVERs per client (udhcpc ${UDHCPC_OPTS.join(' ')}): VMs ${disc(b.discovers)}` +
    (base ? `; baseline ${disc(base.discovers)}` : '') + ` (a second one comes 1 s after the first: -T takes whole seconds)`);
  out.push(`  DHCP requests dropped at dnsmasq's socket (UDP RcvbufErrors in the fabric namespace): VMs ${b.dhcpDrops}` +
    (base ? `, baseline ${base.dhcpDrops}` : ''));
  const p50 = pct(b.addressed, 0.5);
  const p99 = pct(b.addressed, 0.99);
  if (base) {
    out.push(`  ratio VMs/baseline: p50 ${ratio(p50, pct(base.addressed, 0.5))}, p99 ${ratio(p99, pct(base.addressed, 0.99))}`);
  }
  out.push(`  target (issue) p50 ≤ 1000 ms: ${p50 <= 1000 ? 'met' : 'MISSED'} (${ms(p50)}); p99 ≤ 3000 ms: ${p99 <= 3000 ? 'met' : 'MISSED'} (${ms(p99)}). ` +
    'KubeVirt CI, 100 VMIs to Running: p50 27 s, p99 40 s.');
  return out;
}

function iperfReport(r: IperfResult): string[] {
  const med = iperfMedians(r);
  const base = med.get('veth pair') ?? NaN;
  const rows: string[][] = [['', 'Gbit/s (median)', 'runs', 'ratio to veth pair']];
  for (const [name, runs] of r.runs) {
    const m = med.get(name) ?? NaN;
    rows.push([name, Number.isFinite(m) ? m.toFixed(2) : '-', runs.map((g) => g.toFixed(2)).join(' '), name === 'veth pair' ? '' : ratio(m, base)]);
    if (runs.length < rounds) problems.push(`iperf ${name}: ${rounds - runs.length} of ${rounds} runs failed`);
  }
  const out = [`iperf3 TCP, ${seconds} s per run, ${rounds} runs per path (interleaved):`, ...table(rows).map((l) => `  ${l}`)];
  const cross = (med.get('VMs, two nodes') ?? NaN) / base;
  const same = (med.get('VMs, one node') ?? NaN) / base;
  out.push(`  target ratio ≥ 0.9: two nodes ${cross >= 0.9 ? 'met' : 'MISSED'}, one node ${same >= 0.9 ? 'met' : 'MISSED'}`);
  return out;
}

const problems: string[] = [];
const summary: string[] = [];
const tStart = performance.now();
console.log(`virtnet VM benchmarks through the whole stack (virtnet serve + lab, netns VM runtime), lab id ${id}`);
console.log(`machine: ${cpus().length} CPU cores (${cpus()[0]?.model.trim() ?? '?'}) shared by the server, 5 node agents, dnsmasq, ` +
  `the VMs' helpers, this process and the baselines; linux ${release()}, node ${process.version}; load average at start ${loads()}`);
let stack: Stack | undefined;
try {
  log('starting virtnet serve and the lab…');
  stack = await startStack({ id, dataDir, namespace: 'vmbench' });
  log(`  serve ${ms(stack.startup.serveMs)}, lab up ${ms(stack.startup.labMs)}, nodes Ready with br-flat ${ms(stack.startup.readyMs)}`);
  const timeline = new VmiTimeline(stack.client, stack.namespace);
  onCleanup({ name: 'VMI watch', run: async () => timeline.stop(), runSync: () => timeline.stop() });
  await timeline.start();
  if (only === undefined || only === 'burst') {
    log(`burst: ${vms} VMs at once… (load average ${loads()})`);
    const b = await runBurst(stack, timeline, vms, 120_000, log);
    problems.push(...b.problems);
    log(`baseline: ${vms} bare namespaces + udhcpc at once… (load average ${loads()})`);
    const base = await runDhcpBaseline({
      prefix, dir: dataDir, n: vms, nodeNetns: BAREMETAL.map((n) => `${prefix}${n}`), timeoutMs: 60_000, macSeed: rand.readUInt16BE(0),
      dhcpDrops: () => labDhcpDrops(dataDir, prefix),
    });
    problems.push(...base.problems);
    summary.push(...burstReport(b, base), '');
  }
  if (only === undefined || only === 'iperf') {
    log(`iperf: (load average ${loads()})`);
    const r = await runIperf(stack, timeline, rounds, seconds, log, profile);
    problems.push(...r.problems);
    summary.push(...iperfReport(r), '');
  }
} catch (e) {
  problems.push((e as Error).stack ?? String(e));
} finally {
  const errors = await cleanupAll();
  problems.push(...errors.map((e) => `cleanup: ${e}`));
}
if (!isAborted()) {
  console.log('');
  for (const l of summary) console.log(l);
  const leftNs = netnsList().filter((n) => n.startsWith(prefix));
  const leftProcs = spawnSync('pgrep', ['-f', prefix], { encoding: 'utf8' }).stdout.split('\n').filter((p) => p.trim() !== '' && Number(p) !== process.pid);
  console.log(`left behind: ${leftNs.length === 0 && leftProcs.length === 0 ? 'nothing' : `namespaces ${leftNs.join(' ') || '-'}; processes ${leftProcs.join(' ') || '-'}`} ` +
    `(ip netns list, pgrep -f ${prefix}); load average at the end ${loads()}; total ${ms(performance.now() - tStart)}`);
  if (stragglers.length > 0) console.log(`note: lab down left ${stragglers.length} processes naming ${prefix} running; stopped them:\n${stragglers.map((l) => `  ${l}`).join('\n')}`);
  for (const p of problems) console.log(`problem: ${p}`);
  process.exitCode = problems.length > 0 ? 1 : 0;
}
