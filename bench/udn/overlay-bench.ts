// Cross-node VM-to-VM TCP throughput over the Layer2 UDN overlay (VXLAN, MTU 1450) against the same two
// stand-in VMs on a plain bridge path without encapsulation (MTU 1500), same run, runs interleaved; plus
// the VXLAN learning choice: with a third node in the flood list, a network without learning sends every
// unicast frame to both other nodes.
//
//   fabric ns: bridge vnm (machine network 10.89.0.0/24) ── eth0 of n1, n2, n3
//              bridge vnp (plain L2) ── eth1 of n1, n2, enslaved to their bridge vnplain
//   VM1 (on n1) eth0 → vnu1 (A, learning)   eth1 → vnplain   eth2 → vnu2 (B, nolearning)
//   VM2 (on n2) the same; n3 hosts A and B too (it only receives floods).
// Usage: node dist/bench/udn/overlay-bench.js [--seconds S] [--rounds R] (root). Names: `vn-bu<rand>-…`.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/agent/netns.js';
import { ensureUdnNode, removeUdnNode, stopDhcpDaemon, dhcpPaths } from '../../src/agent/udn/index.js';
import type { UdnNetwork } from '../../src/agent/udn/index.js';
import { installCleanupHandlers, onCleanup, runWithCleanup } from '../nmstate/cleanup.js';
import { cmd, median } from '../nmstate/util.js';
import { table } from '../vm/stats.js';

const argNum = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = argNum('seconds', 5);
const ROUNDS = argNum('rounds', 3);

const RUN = `vn-bu${randomBytes(3).toString('hex')}`;
const P = `${RUN}-`;
const F = `${P}f`;
const NODES = [`${P}n1`, `${P}n2`, `${P}n3`] as const;
const NODE_IP = ['10.89.0.10', '10.89.0.11', '10.89.0.12'];
const VM = [`${P}vm1`, `${P}vm2`] as const;
const dir = mkdtempSync(join(tmpdir(), P));
const runDir = join(dir, 'run');

type PathName = 'overlay (VXLAN, learning)' | 'plain bridge, no encapsulation' | 'overlay, nolearning, 2 peers flooded';
const TARGET: Record<PathName, string> = {
  'overlay (VXLAN, learning)': '192.168.254.11',
  'plain bridge, no encapsulation': '192.0.2.11',
  'overlay, nolearning, 2 peers flooded': '192.168.253.11',
};

const ip = (ns: string, lines: string[][]): Promise<unknown> =>
  run('ip', ['-batch', '-'], { netns: ns, input: lines.map((l) => l.join(' ')).join('\n') + '\n' });

function netns(name: string): void {
  spawnSync('ip', ['netns', 'add', name]);
  onCleanup({
    name: `netns ${name}`,
    run: async () => { if (existsSync(`/run/netns/${name}`)) await run('ip', ['netns', 'del', name], { allowFailure: true }); },
    runSync: () => { if (existsSync(`/run/netns/${name}`)) spawnSync('ip', ['netns', 'del', name]); },
  });
}

async function iperfServer(ns: string): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', ns, 'iperf3', '-s', '--forceflush'], { stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup({
    name: `iperf3 -s in ${ns}`,
    run: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await gone;
    },
    runSync: () => { if (child.exitCode === null) child.kill('SIGKILL'); },
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`iperf3 -s in ${ns} did not listen: ${out}`)), 10_000);
    const look = (d: Buffer): void => {
      out += d.toString();
      if (out.includes('Server listening')) { clearTimeout(timer); resolve(); }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
  return child;
}

async function gbps(from: string, to: string): Promise<number> {
  const r = await cmd('ip', ['netns', 'exec', from, 'iperf3', '-c', to, '-t', String(SECONDS), '-J'], { timeoutMs: (SECONDS + 30) * 1000 });
  const j = JSON.parse(r.stdout) as { end?: { sum_received?: { bits_per_second?: number } }; error?: string };
  if (j.error !== undefined) throw new Error(`iperf3 -c ${to}: ${j.error}`);
  return (j.end?.sum_received?.bits_per_second ?? NaN) / 1e9;
}

async function main(): Promise<void> {
  installCleanupHandlers(10 * 60_000);
  onCleanup({ name: 'work directory', run: async () => rmSync(dir, { recursive: true, force: true }), runSync: () => rmSync(dir, { recursive: true, force: true }) });
  for (const ns of [F, ...NODES, ...VM]) netns(ns);
  await ip(F, [['link', 'set', 'lo', 'up'], ['link', 'add', 'vnm', 'type', 'bridge'], ['link', 'set', 'vnm', 'up'], ['link', 'add', 'vnp', 'type', 'bridge'], ['link', 'set', 'vnp', 'up']]);
  for (const [i, n] of NODES.entries()) {
    await ip(F, [['link', 'add', `vnm${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n], ['link', 'set', `vnm${i}`, 'master', 'vnm'], ['link', 'set', `vnm${i}`, 'up'],
      ['link', 'add', `vnp${i}`, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', n], ['link', 'set', `vnp${i}`, 'master', 'vnp'], ['link', 'set', `vnp${i}`, 'up']]);
    await ip(n, [['link', 'set', 'lo', 'up'], ['addr', 'add', `${NODE_IP[i]}/24`, 'dev', 'eth0'], ['link', 'set', 'eth0', 'up'],
      ['link', 'add', 'vnplain', 'type', 'bridge'], ['link', 'set', 'eth1', 'master', 'vnplain'], ['link', 'set', 'eth1', 'up'], ['link', 'set', 'vnplain', 'up']]);
  }

  const net = (vni: number, subnet: string, i: number): UdnNetwork => ({
    key: `bench/udn${vni}`, vni, subnet, gateway: subnet.replace(/0\/24$/, '1'), reservations: [],
    peers: NODE_IP.filter((_, j) => j !== i),
  });
  onCleanup({
    name: 'UDN networks',
    run: async () => {
      for (const [i, n] of NODES.entries()) {
        const o = { prefix: P, runDir, node: `n${i + 1}` };
        for (const v of [1, 2]) await removeUdnNode(n, `bench/udn${v}`, o).catch(() => undefined);
        await stopDhcpDaemon(dhcpPaths(runDir, P, `n${i + 1}`));
      }
    },
    runSync: () => undefined,
  });
  for (const [i, n] of NODES.entries()) {
    const o = { prefix: P, runDir, localIP: NODE_IP[i]!, node: `n${i + 1}` };
    await ensureUdnNode(n, net(1, '192.168.254.0/24', i), o);
    await ensureUdnNode(n, net(2, '192.168.253.0/24', i), { ...o, learning: false });
  }
  for (const [i, vm] of VM.entries()) {
    const n = NODES[i]!;
    const host = 10 + i;
    await ip(n, [
      ['link', 'add', `${P}a${i}`, 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', vm], ['link', 'set', `${P}a${i}`, 'master', 'vnu1'], ['link', 'set', `${P}a${i}`, 'up'],
      ['link', 'add', `${P}p${i}`, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', vm], ['link', 'set', `${P}p${i}`, 'master', 'vnplain'], ['link', 'set', `${P}p${i}`, 'up'],
      ['link', 'add', `${P}b${i}`, 'mtu', '1450', 'type', 'veth', 'peer', 'name', 'eth2', 'netns', vm], ['link', 'set', `${P}b${i}`, 'master', 'vnu2'], ['link', 'set', `${P}b${i}`, 'up'],
    ]);
    await ip(vm, [['link', 'set', 'lo', 'up'],
      ['addr', 'add', `192.168.254.${host}/24`, 'dev', 'eth0'], ['link', 'set', 'eth0', 'up'],
      ['addr', 'add', `192.0.2.${host}/24`, 'dev', 'eth1'], ['link', 'set', 'eth1', 'up'],
      ['addr', 'add', `192.168.253.${host}/24`, 'dev', 'eth2'], ['link', 'set', 'eth2', 'up']]);
  }
  await iperfServer(VM[1]);
  for (const t of Object.values(TARGET)) await cmd('ip', ['netns', 'exec', VM[0], 'ping', '-c', '1', '-W', '2', t]);

  const runs = new Map<PathName, number[]>(Object.keys(TARGET).map((k) => [k as PathName, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, target] of Object.entries(TARGET) as [PathName, string][]) runs.get(name)!.push(await gbps(VM[0], target));
  }
  const plain = median(runs.get('plain bridge, no encapsulation')!);
  const rows = [['path', 'Gbit/s (median)', 'runs', 'vs plain']];
  for (const [name, xs] of runs) rows.push([name, median(xs).toFixed(2), xs.map((x) => x.toFixed(2)).join(' '), `${(median(xs) / plain).toFixed(2)}`]);
  console.log(`Cross-node VM-to-VM TCP (iperf3, ${SECONDS} s per run, ${ROUNDS} rounds interleaved; overlay MTU 1450, plain MTU 1500)`);
  for (const l of table(rows)) console.log(`  ${l}`);
  console.log(`  overlay / plain: ${(median(runs.get('overlay (VXLAN, learning)')!) / plain).toFixed(2)} (target >= 0.8)`);
}

runWithCleanup(main);
