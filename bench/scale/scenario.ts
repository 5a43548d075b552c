// One run of the issue-8 scenario: `virtnet lab up --store etcd --api-servers A` with N worker nodes (one agent
// process per node, netns VM runtime), a primary Layer2 UDN in one namespace, then N×M VMs pinned M per node
// created at once; measured: lab up and all nodes Ready, the time from the first create until every VMI
// reports its UDN address, an API probe's latencies during that ramp, and memory/CPU per node and per VM.
// The lab is removed (`lab down`) at the end, on failure, on Ctrl-C and at the time limit (cleanup.ts).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient, R } from '../../src/client/index.js';
import type { KubeObject } from '../../src/common/object.js';
import { onCleanup } from '../nmstate/cleanup.js';
import { sleep } from '../nmstate/util.js';
import { ApiProbe, type ProbeResult } from './api-probe.js';
import { census, machineCpuS, meminfo, type Census, type Group } from './proc-census.js';
import { udnNetnsVm } from '../../test/support/udn-fixtures.js';

const BIN = fileURLToPath(new URL('../../../bin/virtnet.js', import.meta.url));
const NS = 'scale';
/** A /20: room for 245 nodes × 10 VMs, clear of the lab's 10.89/16, 10.128/14 and 192.168.64/18. */
export const UDN_SUBNET = '192.168.240.0/20';
const inSubnet = (ip: string): boolean => /^192\.168\.(24\d|25[0-5])\./.test(ip);

export interface ScenarioInput {
  label: string;
  id: string;
  nodes: number;
  vmsPerNode: number;
  apiServers: number;
  /** Concurrent creates in flight. */
  createConcurrency: number;
  rampTimeoutMs: number;
  /** VMs whose address is also read from inside their namespace. */
  sample: number;
  log: (line: string) => void;
}

export interface ScenarioResult {
  input: ScenarioInput;
  labUpMs: number;
  nodesReadyMs: number;
  createsMs: number;
  /** First create → the VMI of the last VM reports its UDN address. */
  allIpsMs: number;
  /** Per VM: first create → its address seen (ms), sorted. */
  perVmMs: number[];
  vms: number;
  addressed: number;
  uniqueIps: number;
  sampleChecked: number;
  sampleMismatches: string[];
  probe: ProbeResult;
  idle: Census;
  loaded: Census;
  /** Idle (lab up, UDN made, no VM): CPU cores used per group, and by the whole machine. */
  idleCores: Map<Group, number>;
  idleMachineCores: number;
  /** CPU seconds spent during the ramp, per group (processes alive at its end). */
  rampCpuS: Map<Group, number>;
  rampMachineCpuS: number;
  memAvailDropKiB: number;
  slabGrowKiB: number;
  labDownMs: number;
  leftoverNamespaces: number;
  /** Agent log lines: VM starts (`running (`) and VMIs stopped during the ramp (each one a restart). */
  vmStarts: number;
  vmStops: number;
  /** VMIs in a final phase when the ramp ended: stopped by their agent, not yet deleted and made again. */
  vmisEnded: number;
}

type Vmi = KubeObject & { status?: { phase?: string; nodeName?: string; interfaces?: { ipAddress?: string }[] } };

function virtnet(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, out }); });
  });
}

const udnAddr = (v: Vmi): string | undefined => {
  const ip = v.status?.interfaces?.[0]?.ipAddress;
  return v.status?.phase === 'Running' && ip !== undefined && inSubnet(ip) ? ip : undefined;
};

const ready = (n: KubeObject): boolean =>
  ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');


async function until<T>(what: string, timeoutMs: number, fn: () => Promise<T | undefined>, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
    await sleep(everyMs);
  }
}

async function pool<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

function netnsAddrs(netns: string): string[] {
  const r = spawnSync('ip', ['-n', netns, '-json', '-4', 'addr', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return (JSON.parse(r.stdout || '[]') as { ifname: string; addr_info?: { local: string }[] }[])
    .filter((l) => l.ifname !== 'lo').flatMap((l) => (l.addr_info ?? []).map((a) => a.local));
}

function labNamespaces(prefix: string): number {
  try {
    return readdirSync('/run/netns').filter((n) => n.startsWith(prefix)).length;
  } catch {
    return 0;
  }
}

interface LabRecord {
  agents?: { pid: number }[];
  controlPlane?: { etcd: { pid: number }[]; servers: { index: number; pid: number; kubeconfig: string }[] };
}

const IDLE_WINDOW_MS = 10_000;

/** CPU spent per group between an earlier reading (`before`, by pid) and `now`, divided by `per`. */
function cpuDelta(now: Census, before: Map<number, number>, per: number): Map<Group, number> {
  const out = new Map<Group, number>();
  for (const p of now.procs) out.set(p.group, (out.get(p.group) ?? 0) + (p.cpuS - (before.get(p.pid) ?? 0)) / per);
  return out;
}

export async function runScenario(inp: ScenarioInput): Promise<ScenarioResult> {
  const { id, nodes, vmsPerNode, log } = inp;
  const prefix = `vn-${id}-`;
  const dataDir = mkdtempSync(join(tmpdir(), `${prefix}data-`));
  const env = { VIRTNET_VM_RUNTIME: 'netns' };
  const clients: ApiClient[] = [];
  const down = async (): Promise<number> => {
    for (const c of clients) c.close();
    const t = performance.now();
    const r = await virtnet(['lab', 'down', '--data', dataDir, '--id', id], {}, 600_000);
    if (r.code !== 0) log(`  lab down failed (${r.code}): ${r.out.trim()}`);
    rmSync(dataDir, { recursive: true, force: true });
    return performance.now() - t;
  };
  const cleanup = onCleanup({
    name: `lab ${id}`,
    run: async () => { await down(); },
    runSync: () => {
      spawnSync(process.execPath, [BIN, 'lab', 'down', '--data', dataDir, '--id', id], { stdio: 'ignore', timeout: 600_000 });
      rmSync(dataDir, { recursive: true, force: true });
    },
  });

  log(`[${inp.label}] lab up: ${nodes} nodes, ${inp.apiServers} API servers on a 3-member etcd (id ${id}, data ${dataDir})`);
  let t = performance.now();
  const up = await virtnet(['lab', 'up', '--store', 'etcd', '--api-servers', String(inp.apiServers), '--listen', '127.0.0.1:0',
    '--nodes', String(nodes), '--baremetal', '0', '--data', dataDir, '--id', id], env, 600_000);
  const labUpMs = performance.now() - t;
  if (up.code !== 0) throw new Error(`lab up failed (${up.code}):\n${up.out}`);
  const rec = JSON.parse(readFileSync(join(dataDir, 'lab.json'), 'utf8')) as LabRecord;
  const servers = rec.controlPlane?.servers ?? [];
  for (const s of servers) clients.push(ApiClient.fromKubeconfig(s.kubeconfig, 'virtnet-scale-bench'));
  const c = clients[0]!;
  const watcher = clients[clients.length - 1]!;
  const apiPids = servers.map((s) => s.pid);
  const etcdPids = (rec.controlPlane?.etcd ?? []).map((m) => m.pid);

  const nodeNames = Array.from({ length: nodes }, (_, i) => `worker-${i}`);
  await until(`${nodes} Ready nodes`, 600_000, async () => ((await c.list(R.node)).items.filter(ready).length === nodes ? true : undefined), 1000);
  const nodesReadyMs = performance.now() - t;
  log(`[${inp.label}] lab up ${(labUpMs / 1000).toFixed(1)} s, all ${nodes} nodes Ready ${(nodesReadyMs / 1000).toFixed(1)} s after lab up started`);

  await c.create(R.namespace, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'k8s.ovn.org/primary-user-defined-network': '' } } });
  await c.create(R.udn, NS, {
    apiVersion: 'k8s.ovn.org/v1', kind: 'UserDefinedNetwork', metadata: { name: 'primary-udn', namespace: NS },
    spec: { topology: 'Layer2', layer2: { role: 'Primary', subnets: [UDN_SUBNET], ipam: { lifecycle: 'Persistent' } } },
  });
  await until('the NAD primary-udn', 60_000, async () => c.get(R.nad, NS, 'primary-udn'));
  // Let start-up settle (agents' first lists, node-lifecycle's writes), then measure what idle costs: with no
  // VM at all, the agents' heartbeats and watches already take CPU, and that grows with the node count.
  await sleep(5000);
  const settled = census(prefix, apiPids, etcdPids);
  const idleMachine0 = machineCpuS();
  const idleT0 = performance.now();
  await sleep(IDLE_WINDOW_MS);
  const idle = census(prefix, apiPids, etcdPids);
  const idleSeconds = (performance.now() - idleT0) / 1000;
  const idleMachineCores = (machineCpuS() - idleMachine0) / idleSeconds;
  const idleCores = cpuDelta(idle, new Map(settled.procs.map((p) => [p.pid, p.cpuS])), idleSeconds);
  const memBefore = meminfo();
  const cpuBefore = new Map(idle.procs.map((p) => [p.pid, p.cpuS]));
  const machineBefore = machineCpuS();

  const names = nodeNames.flatMap((n, i) => Array.from({ length: vmsPerNode }, (_, j) => ({ name: `vm-${String(i).padStart(3, '0')}-${j}`, node: n })));
  const probe = new ApiProbe(clients, nodeNames, NS);
  probe.start();
  const seen = new Map<string, number>();
  const t0 = performance.now();
  let createErrors = 0;
  let firstCreateError = '';
  await pool(names, inp.createConcurrency, async ({ name, node }) => {
    const cl = clients[(Number(name.slice(3, 6)) + Number(name.slice(7))) % clients.length]!;
    for (let attempt = 0; ; attempt++) {
      try {
        await cl.create(R.vm, NS, udnNetnsVm(NS, name, node));
        return;
      } catch (e) {
        if (attempt >= 5) {
          createErrors++;
          firstCreateError ||= (e as Error).message;
          return;
        }
        await sleep(500 * (attempt + 1));
      }
    }
  });
  const createsMs = performance.now() - t0;
  log(`[${inp.label}] ${names.length} VM creates answered in ${(createsMs / 1000).toFixed(1)} s${createErrors ? ` (${createErrors} failed: ${firstCreateError})` : ''}`);

  let vmis: Vmi[] = [];
  let lastReport = 0;
  try {
    await until(`all ${names.length} VMIs with a UDN address`, inp.rampTimeoutMs, async () => {
      vmis = (await watcher.list<Vmi>(R.vmi, NS)).items;
      const now = performance.now() - t0;
      for (const v of vmis) if (udnAddr(v) !== undefined && !seen.has(v.metadata.name!)) seen.set(v.metadata.name!, now);
      if (now - lastReport > 15_000) {
        lastReport = now;
        log(`[${inp.label}]   ${(now / 1000).toFixed(0)} s: ${seen.size}/${names.length} addressed, ${vmis.filter((v) => v.status?.phase === 'Running').length} Running, ${vmis.length} VMIs`);
      }
      return seen.size >= names.length ? true : undefined;
    }, 1000);
  } catch (e) {
    log(`[${inp.label}] ${(e as Error).message}: ${seen.size}/${names.length} addressed`);
  }
  const allIpsMs = seen.size >= names.length ? Math.max(...seen.values()) : NaN;
  const probeResult = await probe.stop();
  const loaded = census(prefix, apiPids, etcdPids);
  const memAfter = meminfo();
  const rampMachineCpuS = machineCpuS() - machineBefore;
  const rampCpuS = cpuDelta(loaded, cpuBefore, 1);

  const addrs = vmis.map(udnAddr).filter((a): a is string => a !== undefined);
  const addressed = vmis.filter((v) => udnAddr(v) !== undefined);
  const sampleMismatches: string[] = [];
  const step = Math.max(1, Math.floor(addressed.length / Math.max(1, inp.sample)));
  let sampleChecked = 0;
  for (let i = 0; i < addressed.length && sampleChecked < inp.sample; i += step) {
    const v = addressed[i]!;
    const held = netnsAddrs(`${prefix}vm-${v.metadata.uid}`).filter(inSubnet);
    sampleChecked++;
    if (held.length !== 1 || held[0] !== udnAddr(v)) sampleMismatches.push(`${v.metadata.name}: VMI ${udnAddr(v)}, netns holds ${JSON.stringify(held)}`);
  }

  // A VMI the agent reports stopped is deleted and made again by the VM controller (runStrategy Always):
  // count those restarts from the agents' logs before lab down removes them.
  let vmStarts = 0;
  let vmStops = 0;
  for (const f of readdirSync(dataDir).filter((n) => n.startsWith(`${prefix}agent-`) && n.endsWith('.log'))) {
    const text = readFileSync(join(dataDir, f), 'utf8');
    vmStarts += (text.match(/: running \(/g) ?? []).length;
    vmStops += (text.match(/: stopped$/gm) ?? []).length;
  }

  log(`[${inp.label}] lab down`);
  t = performance.now();
  await cleanup();
  const labDownMs = performance.now() - t;
  const leftoverNamespaces = labNamespaces(prefix);
  if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });

  return {
    input: inp, labUpMs, nodesReadyMs, createsMs, allIpsMs, perVmMs: [...seen.values()].sort((a, b) => a - b), vms: names.length,
    idleCores, idleMachineCores, addressed: addressed.length, uniqueIps: new Set(addrs).size, sampleChecked, sampleMismatches, probe: probeResult, idle, loaded,
    rampCpuS, rampMachineCpuS, memAvailDropKiB: memBefore.availableKiB - memAfter.availableKiB, slabGrowKiB: memAfter.slabKiB - memBefore.slabKiB,
    labDownMs, leftoverNamespaces, vmStarts, vmStops,
    vmisEnded: vmis.filter((v) => v.status?.phase === 'Succeeded' || v.status?.phase === 'Failed').length,
  };
}
