// The scale benchmark's table (pure): one column per scenario, the last column the ratio of the largest
// scenario to the baseline (the first).
import { pct, table } from '../vm/stats.js';
import type { Group } from './proc-census.js';
import type { ScenarioResult } from './scenario.js';

const s = (ms: number): string => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');
const msf = (ms: number): string => (Number.isFinite(ms) ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : '-');
const mib = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : '-');
const ratio = (a: number, b: number): string => (Number.isFinite(a / b) && b !== 0 ? `${(a / b).toFixed(2)}x` : '-');

function group(r: ScenarioResult, when: 'idle' | 'loaded', g: Group): { count: number; pssKiB: number; rssKiB: number; cpuS: number } {
  return r[when].byGroup.get(g) ?? { count: 0, pssKiB: 0, rssKiB: 0, cpuS: 0 };
}

const nodeGroups: Group[] = ['agent', 'node daemon', 'router'];
const perNodePss = (r: ScenarioResult, when: 'idle' | 'loaded'): number =>
  nodeGroups.reduce((a, g) => a + group(r, when, g).pssKiB, 0) / r.input.nodes;

interface Row {
  name: string;
  value: (r: ScenarioResult) => number;
  fmt: (v: number) => string;
}

const rows: Row[] = [
  { name: 'VMs (nodes x VMs per node)', value: (r) => r.vms, fmt: String },
  { name: 'lab up (netns, etcd, API servers, agents)', value: (r) => r.labUpMs, fmt: s },
  { name: 'lab up start -> all nodes Ready', value: (r) => r.nodesReadyMs, fmt: s },
  { name: 'VM creates answered', value: (r) => r.createsMs, fmt: s },
  { name: 'time to IPs: 50% of VMs', value: (r) => pct(r.perVmMs, 0.5), fmt: s },
  { name: 'time to IPs: 90% of VMs', value: (r) => pct(r.perVmMs, 0.9), fmt: s },
  { name: 'time to IPs: all VMs', value: (r) => r.allIpsMs, fmt: s },
  { name: 'VMs per second (all / time to IPs)', value: (r) => r.vms / (r.allIpsMs / 1000), fmt: (v) => (Number.isFinite(v) ? v.toFixed(1) : '-') },
  { name: 'VMIs with a UDN IP', value: (r) => r.addressed, fmt: String },
  { name: 'unique IPs', value: (r) => r.uniqueIps, fmt: String },
  { name: 'VM starts by agents (restarts = starts - VMs)', value: (r) => r.vmStarts, fmt: String },
  { name: 'VMIs stopped during the ramp (agent logs)', value: (r) => r.vmStops, fmt: String },
  { name: 'VMIs Succeeded/Failed at the end (awaiting restart)', value: (r) => r.vmisEnded, fmt: String },
  { name: 'API probe requests during ramp', value: (r) => r.probe.samples.length, fmt: String },
  { name: 'API probe p50', value: (r) => pct(r.probe.samples, 0.5), fmt: msf },
  { name: 'API probe p99', value: (r) => pct(r.probe.samples, 0.99), fmt: msf },
  { name: 'API probe max', value: (r) => pct(r.probe.samples, 1), fmt: msf },
  { name: 'API probe errors', value: (r) => r.probe.errors, fmt: String },
  { name: 'memory per node, idle (PSS agent+daemons)', value: (r) => perNodePss(r, 'idle'), fmt: mib },
  { name: 'memory per node, loaded (PSS agent+daemons)', value: (r) => perNodePss(r, 'loaded'), fmt: mib },
  { name: '  agent PSS per node, loaded', value: (r) => group(r, 'loaded', 'agent').pssKiB / r.input.nodes, fmt: mib },
  { name: '  agent RSS per node, loaded', value: (r) => group(r, 'loaded', 'agent').rssKiB / r.input.nodes, fmt: mib },
  { name: '  DHCP daemon etc. PSS per node, loaded', value: (r) => group(r, 'loaded', 'node daemon').pssKiB / r.input.nodes, fmt: mib },
  // Per VM that is up (has its address): a ramp cut short by its time-out has fewer than it created.
  { name: 'memory per VM, processes (PSS vm+launcher)', value: (r) => (group(r, 'loaded', 'vm').pssKiB + group(r, 'loaded', 'launcher').pssKiB) / r.addressed, fmt: mib },
  { name: 'memory per VM, whole system (MemAvailable drop / VMs up)', value: (r) => r.memAvailDropKiB / r.addressed, fmt: mib },
  { name: '  of which slab growth / VMs up', value: (r) => r.slabGrowKiB / r.addressed, fmt: mib },
  { name: 'API servers RSS (sum), loaded', value: (r) => group(r, 'loaded', 'api server').rssKiB, fmt: mib },
  { name: 'etcd RSS (sum), loaded', value: (r) => group(r, 'loaded', 'etcd').rssKiB, fmt: mib },
  { name: 'idle, no VMs: agents CPU (cores)', value: (r) => r.idleCores.get('agent') ?? 0, fmt: (v) => v.toFixed(2) },
  { name: 'idle, no VMs: API servers CPU (cores)', value: (r) => r.idleCores.get('api server') ?? 0, fmt: (v) => v.toFixed(2) },
  { name: 'idle, no VMs: etcd CPU (cores)', value: (r) => r.idleCores.get('etcd') ?? 0, fmt: (v) => v.toFixed(2) },
  { name: 'idle, no VMs: whole machine CPU (cores of 2)', value: (r) => r.idleMachineCores, fmt: (v) => v.toFixed(2) },
  { name: 'CPU during ramp: agents (s)', value: (r) => r.rampCpuS.get('agent') ?? 0, fmt: (v) => v.toFixed(1) },
  { name: 'CPU during ramp: API servers (s)', value: (r) => r.rampCpuS.get('api server') ?? 0, fmt: (v) => v.toFixed(1) },
  { name: 'CPU during ramp: etcd (s)', value: (r) => r.rampCpuS.get('etcd') ?? 0, fmt: (v) => v.toFixed(1) },
  { name: 'CPU during ramp: whole machine (s)', value: (r) => r.rampMachineCpuS, fmt: (v) => v.toFixed(1) },
  { name: 'lab down', value: (r) => r.labDownMs, fmt: s },
  { name: 'lab namespaces left after lab down', value: (r) => r.leftoverNamespaces, fmt: String },
];

export function reportLines(results: readonly ScenarioResult[]): string[] {
  const base = results[0]!;
  const last = results[results.length - 1]!;
  const head = ['', ...results.map((r) => r.input.label), ...(results.length > 1 ? [`${last.input.label} / ${base.input.label}`] : [])];
  const body = rows.map((row) => [row.name, ...results.map((r) => row.fmt(row.value(r))),
    ...(results.length > 1 ? [ratio(row.value(last), row.value(base))] : [])]);
  return table([head, ...body]);
}
