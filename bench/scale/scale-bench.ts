// Issue 8's scale benchmark: N lab nodes × M netns VMs on one primary Layer2 UDN, the lab in etcd mode
// (`virtnet lab up --store etcd --api-servers 2`: 3-member etcd, 2 API servers, haproxy; one agent process per
// node). Measured: time from the first create until every VMI reports its UDN address (and, for a sample,
// the VM's namespace holds it), unique addresses, an API probe's p50/p99/max during that ramp, memory per
// node (PSS of the agent, the node's DHCP daemon and router processes) and per VM (the VM's processes; and
// the whole machine's MemAvailable drop, kernel objects included), CPU during the ramp. The baseline is the
// same scenario at a small scale, run first in the same run; the table prints the ratio target / baseline.
// Usage (root): node dist/bench/scale/scale-bench.js [--nodes 100] [--vms-per-node 10] [--baseline-nodes 10]
//   [--baseline-vms-per-node 10] [--mid-nodes N] [--api-servers 2] [--no-baseline] [--ramp-timeout SECONDS]
//   [--time-limit SECONDS]
// Names: vn-sc<4 random>{b,m,t}-… for each scenario's lab; its data directory under the temp dir.
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { installCleanupHandlers, isAborted, runWithCleanup } from '../nmstate/cleanup.js';
import { reportLines } from './report.js';
import { runScenario, UDN_SUBNET, type ScenarioResult } from './scenario.js';

function option(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} must be a whole number`);
  return v;
}
const nodes = option('nodes', 100);
const vmsPerNode = option('vms-per-node', 10);
const baseNodes = option('baseline-nodes', 10);
const baseVms = option('baseline-vms-per-node', vmsPerNode);
const midNodes = option('mid-nodes', 0);
const apiServers = option('api-servers', 2);
const rampTimeoutS = option('ramp-timeout', 1200);
const timeLimitS = option('time-limit', 3600);
const withBaseline = !process.argv.includes('--no-baseline');
if (nodes < 1 || nodes > 245) throw new Error('--nodes: 1 to 245 (the lab plan\'s limit)');
if (nodes * vmsPerNode > 4000) throw new Error(`${nodes * vmsPerNode} VMs do not fit the UDN ${UDN_SUBNET}`);
if (process.getuid?.() !== 0) throw new Error('run as root: the lab creates network namespaces');

const rand = [...randomBytes(4)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
const log = (line: string): void => {
  if (!isAborted()) console.log(line);
};

async function main(): Promise<void> {
  installCleanupHandlers(timeLimitS * 1000);
  console.log(`scale bench: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
    `UDN ${UDN_SUBNET}, netns VM runtime, ${apiServers} API servers on etcd`);
  const plan: { label: string; tag: string; nodes: number; vms: number }[] = [
    ...(withBaseline ? [{ label: `${baseNodes}x${baseVms}`, tag: 'b', nodes: baseNodes, vms: baseVms }] : []),
    ...(midNodes > 0 ? [{ label: `${midNodes}x${vmsPerNode}`, tag: 'm', nodes: midNodes, vms: vmsPerNode }] : []),
    { label: `${nodes}x${vmsPerNode}`, tag: 't', nodes, vms: vmsPerNode },
  ];
  const results: ScenarioResult[] = [];
  for (const p of plan) {
    results.push(await runScenario({
      label: p.label, id: `sc${rand}${p.tag}`, nodes: p.nodes, vmsPerNode: p.vms, apiServers, createConcurrency: 32,
      rampTimeoutMs: rampTimeoutS * 1000, sample: 20, log,
    }));
    const r = results[results.length - 1]!;
    if (r.sampleMismatches.length > 0) log(`[${p.label}] address check FAILED: ${r.sampleMismatches.slice(0, 5).join('; ')}`);
    else log(`[${p.label}] ${r.sampleChecked} sampled VMs hold their VMI's address in their namespace`);
    if (r.probe.firstError) log(`[${p.label}] first probe error: ${r.probe.firstError}`);
    // The table so far after each scenario: a run cut short by the time limit still leaves its figures.
    if (results.length < plan.length) for (const l of reportLines(results)) log(`  ${l}`);
  }
  console.log('');
  console.log(`Issue 8 scale: time until every VM has its UDN IP, API probe (GET node / LIST a node's VMIs, one at a time per API server) during it, memory (ratio: last / first)`);
  for (const l of reportLines(results)) console.log(`  ${l}`);
}

runWithCleanup(main);
