// TCP throughput between two netns VMs over their bridge NICs on flatnetwork, against a raw veth pair:
//   cross-node: VM eth1 → veth → launcher bridge → veth → metal-0 br-flat → eth1 → fabric bridge flat →
//               metal-1 eth1 → br-flat → veth → launcher bridge → veth → VM
//   same node:  both VMs pinned to metal-0 (nodeSelector kubernetes.io/hostname), turning at its br-flat
//   baseline:   two fresh namespaces joined by one veth pair
// iperf3 -s in one namespace, iperf3 -c <ip> -t T -J in the other (ip netns exec); runs interleaved.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { run } from '../../src/agent/netns.js';
import { onCleanup } from '../nmstate/cleanup.js';
import { cmd, median, netnsList } from '../nmstate/util.js';
import { R } from '../../src/client/index.js';
import { netnsVm } from './manifests.js';
import type { Stack } from './stack.js';
import type { VmiTimeline } from './vmi-timeline.js';
import { deleteAll } from './vm-burst.js';

export type PathName = 'veth pair' | 'VMs, two nodes' | 'VMs, one node' | 'VMs, two nodes, bridge-nf-call off';

export interface IperfResult {
  /** Gbit/s per run, per path. */
  runs: Map<PathName, number[]>;
  problems: string[];
}

interface Endpoint { netns: string; ip: string }

/** Starts `iperf3 -s` in `netns` and resolves once it listens; killed by the cleanup. */
async function startServer(netns: string): Promise<ChildProcess> {
  // --forceflush: into a pipe, iperf3 would hold its "Server listening" line in its buffer.
  const child = spawn('ip', ['netns', 'exec', netns, 'iperf3', '-s', '--forceflush'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  onCleanup({
    name: `iperf3 -s in ${netns}`,
    run: async () => {
      if (!alive()) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    runSync: () => { if (alive()) child.kill('SIGKILL'); },
  });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`iperf3 -s in ${netns} did not listen: ${out}`)), 10_000);
    const look = (d: Buffer): void => {
      out += d.toString();
      if (/Server listening/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`iperf3 -s in ${netns} exited: ${out}`));
    });
  });
  return child;
}

async function clientGbps(from: string, to: Endpoint, seconds: number): Promise<number> {
  const r = await cmd('ip', ['netns', 'exec', from, 'iperf3', '-c', to.ip, '-t', String(seconds), '-J'], { timeoutMs: (seconds + 30) * 1000 });
  const j = JSON.parse(r.stdout) as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  if (j.error) throw new Error(`iperf3 -c ${to.ip} from ${from}: ${j.error}`);
  return (j.end?.sum_received?.bits_per_second ?? NaN) / 1e9;
}

/** Two fresh namespaces joined by one veth pair (192.0.2.1/.2, TEST-NET-1, only inside them). */
async function vethPair(prefix: string): Promise<[Endpoint, Endpoint]> {
  const a = `${prefix}ipa`;
  const b = `${prefix}ipb`;
  onCleanup({
    name: 'iperf veth pair namespaces',
    run: async () => { for (const ns of [a, b]) if (existsSync(`/run/netns/${ns}`)) await run('ip', ['netns', 'del', ns]); },
    runSync: () => { for (const ns of [a, b]) if (existsSync(`/run/netns/${ns}`)) spawnSync('ip', ['netns', 'del', ns], { stdio: 'ignore' }); },
  });
  await run('ip', ['netns', 'add', a]);
  await run('ip', ['netns', 'add', b]);
  await run('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', b], { netns: a });
  for (const [ns, ip] of [[a, '192.0.2.1'], [b, '192.0.2.2']] as const) {
    await run('ip', ['-batch', '-'], { netns: ns, input: `link set lo up\naddr add ${ip}/24 dev eth0\nlink set eth0 up\n` });
  }
  return [{ netns: a, ip: '192.0.2.1' }, { netns: b, ip: '192.0.2.2' }];
}

/** Three VMs: a and c on metal-0, b on metal-1; their VM namespaces and flat addresses. */
async function iperfVms(stack: Stack, timeline: VmiTimeline): Promise<{ names: string[]; a: Endpoint; b: Endpoint; c: Endpoint }> {
  const pins = { 'iperf-a': 'metal-0', 'iperf-b': 'metal-1', 'iperf-c': 'metal-0' } as const;
  const names = Object.keys(pins);
  await Promise.all(Object.entries(pins).map(([v, node]) => stack.client.create(R.vm, stack.namespace, netnsVm(stack.namespace, v, stack.nad, node))));
  await timeline.wait('the iperf VMs to get flat addresses', () => names.every((v) => timeline.steps.get(v)?.addressed !== undefined), 60_000);
  const ep = (v: string): Endpoint => {
    const s = timeline.steps.get(v)!;
    const netns = `${s.runtimePrefix ?? stack.prefix}vm-${s.uid ?? ''}`;
    if (!existsSync(`/run/netns/${netns}`)) throw new Error(`VM ${v}: no namespace ${netns}`);
    if (s.node !== pins[v as keyof typeof pins]) throw new Error(`VM ${v} runs on ${s.node ?? '?'}, not ${pins[v as keyof typeof pins]}`);
    return { netns, ip: s.address! };
  };
  return { names, a: ep('iperf-a'), b: ep('iperf-b'), c: ep('iperf-c') };
}

/**
 * bridge-nf-call-ip(6)tables in every namespace of the lab (per namespace since Linux 5.3, 1 in a new one):
 * while 1, each bridged IPv4 frame also passes the ip-family netfilter hooks of the bridge's namespace,
 * where the pod network's and the launchers' NAT tables make conntrack look at it.
 */
async function bridgeNfCall(prefix: string, value: 0 | 1): Promise<void> {
  const namespaces = netnsList().filter((n) => n.startsWith(prefix));
  await Promise.all(namespaces.map((ns) => run('sysctl', ['-q', '-w', `net.bridge.bridge-nf-call-iptables=${value}`, `net.bridge.bridge-nf-call-ip6tables=${value}`],
    { netns: ns, allowFailure: true })));
}

export async function runIperf(stack: Stack, timeline: VmiTimeline, rounds: number, seconds: number, log: (l: string) => void,
  profile = false): Promise<IperfResult> {
  const problems: string[] = [];
  const [va, vb] = await vethPair(stack.prefix);
  const vms = await iperfVms(stack, timeline);
  // Servers: the veth pair's a, VM a (clients: VM b across nodes, VM c on the same node).
  await startServer(va.netns);
  await startServer(vms.a.netns);
  const paths: [PathName, string, Endpoint][] = [
    ['veth pair', vb.netns, va],
    ['VMs, two nodes', vms.b.netns, vms.a],
    ['VMs, one node', vms.c.netns, vms.a],
  ];
  if (profile) paths.push(['VMs, two nodes, bridge-nf-call off', vms.b.netns, vms.a]);
  const runs = new Map<PathName, number[]>(paths.map(([p]) => [p, []]));
  for (let r = 1; r <= rounds; r++) {
    for (const [name, from, to] of paths) {
      const nfOff = name === 'VMs, two nodes, bridge-nf-call off';
      try {
        if (nfOff) await bridgeNfCall(stack.prefix, 0);
        const g = await clientGbps(from, to, seconds);
        runs.get(name)!.push(g);
        log(`  round ${r}: ${name}: ${g.toFixed(2)} Gbit/s`);
      } catch (e) {
        problems.push(`${name}, round ${r}: ${(e as Error).message}`);
      } finally {
        if (nfOff) await bridgeNfCall(stack.prefix, 1);
      }
    }
  }
  await deleteAll(stack, timeline, vms.names, problems);
  return { runs, problems };
}

export function iperfMedians(res: IperfResult): Map<PathName, number> {
  return new Map([...res.runs].map(([k, v]) => [k, median(v)]));
}
