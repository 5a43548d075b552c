// The Layer2 UDN data plane on the real kernel: two "nodes" on a machine network behind a router that
// reaches an "internet" host; networks A (VNI 1) and B (VNI 2) with the SAME subnet on both nodes. Stand-in
// VMs are plain namespaces with a veth onto the network's bridge (a launcher does this for real), getting
// their addresses from the node's DHCP daemon with busybox udhcpc.
// Everything is named `vn-t<random6>-…` and removed in `after`; the last test asserts nothing is left.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePodNetwork, podSlice } from '../../src/agent/vm-network/index.js';
import { dhcpPaths, ensureUdnNode, removeUdnNode, setReservations, stopDhcpDaemon, transitPair }
  from '../../src/agent/udn/index.js';
import type { UdnNetwork, UdnNodeOptions, UdnReservation } from '../../src/agent/udn/index.js';

const RUN = `vn-t${randomBytes(3).toString('hex')}`;
const PREFIX = `${RUN}-`;
const R = `${RUN}-r`;
const I = `${RUN}-i`;
const N1 = `${RUN}-n1`;
const N2 = `${RUN}-n2`;
const INTERNET = '198.18.0.10';
const NODE_IP: Record<string, string> = { [N1]: '10.89.0.10', [N2]: '10.89.0.11' };
const SUBNET = '192.168.254.0/24';

function sh(file: string, args: string[], allowFail = false): string {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0 && !allowFail) throw new Error(`${file} ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
  return r.stdout ?? '';
}
const ipJson = <T>(ns: string, ...args: string[]): T => JSON.parse(sh('ip', ['-n', ns, '-json', ...args]) || '[]') as T;
const inNs = (ns: string, file: string, ...args: string[]): string => sh('ip', ['netns', 'exec', ns, file, ...args]);
const batch = (ns: string, lines: string[]): void => {
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', timeout: 15_000 });
};
const ourNamespaces = (): string[] =>
  sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(PREFIX));

function pings(ns: string, dst: string, tries = 3): boolean {
  for (let i = 0; i < tries; i++) {
    if (spawnSync('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', '1', '-W', '2', dst], { timeout: 10_000 }).status === 0) return true;
  }
  return false;
}
function silent(ns: string, dst: string): boolean {
  return spawnSync('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', dst], { timeout: 10_000 }).status !== 0;
}

function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  const probe = `vn-tprobe${randomBytes(3).toString('hex')}`;
  if (spawnSync('ip', ['netns', 'add', probe]).status !== 0) return 'cannot create network namespaces';
  const ok = spawnSync('ip', ['-n', probe, 'link', 'add', 'vnx1', 'type', 'vxlan', 'id', '1', 'dstport', '4789']).status === 0;
  spawnSync('ip', ['netns', 'del', probe]);
  return ok ? false : 'this kernel has no VXLAN';
}
const skip = skipReason();
if (skip !== false) console.log(`# skipping the UDN data plane tests: ${skip}`);

const tmp = mkdtempSync(join(tmpdir(), `${RUN}-`));
const runDir = join(tmp, 'run');
const script = join(tmp, 'udhcpc.script');

const opts = (node: string): UdnNodeOptions => ({ prefix: PREFIX, runDir, localIP: NODE_IP[node]! });
const mac = (n: number): string => `02:5a:00:00:01:${n.toString(16).padStart(2, '0')}`;
const A_RES: UdnReservation[] = [
  { mac: mac(1), ip: '192.168.254.10', hostname: 'vm-a1' },
  { mac: mac(2), ip: '192.168.254.11', hostname: 'vm-a2' },
];
const B_RES: UdnReservation[] = [
  { mac: mac(0x11), ip: '192.168.254.10', hostname: 'vm-b1' },
  { mac: mac(0x12), ip: '192.168.254.11', hostname: 'vm-b2' },
  { mac: mac(0x13), ip: '192.168.254.12', hostname: 'vm-b3' },
];
const netA = (node: string, reservations = A_RES): UdnNetwork => ({
  key: 'ns-a/udn-a', vni: 1, subnet: SUBNET, gateway: '192.168.254.1', dns: ['198.18.0.53'], reservations,
  peers: [NODE_IP[node === N1 ? N2 : N1]!],
});
const netB = (node: string): UdnNetwork => ({
  key: 'ns-b/udn-b', vni: 2, subnet: SUBNET, gateway: '192.168.254.1', reservations: B_RES,
  peers: [NODE_IP[node === N1 ? N2 : N1]!],
});

function buildTopology(): void {
  for (const ns of [R, I, N1, N2]) sh('ip', ['netns', 'add', ns]);
  batch(R, [
    'link set lo up',
    `link add ${RUN}m type bridge`, `link set ${RUN}m up`, `addr add 10.89.0.1/24 dev ${RUN}m`,
    `link add ${RUN}i type veth peer name eth0 netns ${I}`, `addr add 198.18.0.1/24 dev ${RUN}i`, `link set ${RUN}i up`,
  ]);
  batch(I, ['link set lo up', `addr add ${INTERNET}/24 dev eth0`, 'link set eth0 up', 'route add default via 198.18.0.1']);
  inNs(R, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
  for (const [k, n] of [[1, N1], [2, N2]] as const) {
    batch(R, [`link add ${RUN}a${k} type veth peer name eth0 netns ${n}`, `link set ${RUN}a${k} master ${RUN}m`, `link set ${RUN}a${k} up`]);
    batch(n, ['link set lo up', `addr add ${NODE_IP[n]}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.89.0.1']);
  }
  // The lease script records what udhcpc was given, then configures the address and the default route.
  writeFileSync(script, [
    '#!/bin/sh',
    'case "$1" in',
    '  bound|renew)',
    '    env > "$VN_LEASE"',
    '    ip addr flush dev "$interface" scope global',
    '    ip addr add "$ip/${mask:-$subnet}" dev "$interface"',
    '    for r in $router; do ip route replace default via "$r" dev "$interface"; break; done',
    '    ;;',
    'esac',
    'exit 0',
    '',
  ].join('\n'), { mode: 0o755 });
}

/** A stand-in VM: namespace `<RUN>-vm-<tag>` whose eth0 (with the VM's MAC) is a veth onto `bridge`. */
const vmNode = new Map<string, string>();
function standInVm(tag: string, node: string, bridge: string, vmMac: string, mtu: number): string {
  const vm = `${RUN}-vm-${tag}`;
  vmNode.set(tag, node);
  sh('ip', ['netns', 'add', vm]);
  batch(node, [`link add ${RUN}v${tag} mtu ${mtu} type veth peer name eth0 netns ${vm}`, `link set ${RUN}v${tag} master ${bridge}`,
    `link set ${RUN}v${tag} up`]);
  batch(vm, ['link set lo up', `link set eth0 address ${vmMac}`, 'link set eth0 up']);
  return vm;
}

/** udhcpc once; the options it was given (its script's environment), or undefined without a lease. */
function dhcp(vm: string, tries = 5): Record<string, string> | undefined {
  const lease = join(tmp, `${vm}.lease`);
  const r = spawnSync('ip', ['netns', 'exec', vm, 'busybox', 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', String(tries), '-T', '1', '-s', script],
    { env: { ...process.env, VN_LEASE: lease }, timeout: 30_000 });
  if (r.status !== 0 || !existsSync(lease)) return undefined;
  return Object.fromEntries(readFileSync(lease, 'utf8').split('\n').filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function daemonPids(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(`/${PREFIX}udn-dhcp-`);
    } catch {
      return false;
    }
  });
}

/** Accepts one TCP connection on the internet host and resolves with the address it came from. */
function peerSeenByInternet(port: number): { ready: Promise<void>; seen: Promise<string> } {
  const code = `const s=require('net').createServer(c=>{console.log(c.remoteAddress);c.end();s.close()});`
    + `s.listen(${port},'${INTERNET}',()=>console.log('ready'));setTimeout(()=>process.exit(1),15000)`;
  const child = spawn('ip', ['netns', 'exec', I, process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => { onReady = r; });
  const seen = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) onReady();
      const lines = out.split('\n').filter((l) => l !== '' && l !== 'ready');
      if (lines[0] !== undefined) resolve(lines[0]);
    });
    child.on('exit', (c) => reject(new Error(`listener exited ${c}: ${out}`)));
  });
  return { ready, seen };
}

describe('Layer2 UDN data plane on the kernel', { skip }, () => {
  const vms: Record<string, string> = {};

  before(async () => {
    buildTopology();
    await ensurePodNetwork(N1, { slice: podSlice(0), peers: [{ slice: podSlice(1), nodeIP: NODE_IP[N2]! }] });
    await ensurePodNetwork(N2, { slice: podSlice(1), peers: [{ slice: podSlice(0), nodeIP: NODE_IP[N1]! }] });
  });

  after(async () => {
    for (const n of [N1, N2]) {
      await removeUdnNode(n, 'ns-a/udn-a', opts(n)).catch(() => undefined);
      await removeUdnNode(n, 'ns-b/udn-b', opts(n)).catch(() => undefined);
      await stopDhcpDaemon(dhcpPaths(runDir, PREFIX, n.slice(PREFIX.length))).catch(() => undefined);
    }
    for (const pid of daemonPids()) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    for (const ns of ourNamespaces()) sh('ip', ['netns', 'del', ns], true);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('sets up A and B (same subnet) on both nodes; VMs get their reservations with OVN\'s DHCP options', async () => {
    const a1 = await ensureUdnNode(N1, netA(N1), opts(N1));
    const a2 = await ensureUdnNode(N2, netA(N2), opts(N2));
    const b1 = await ensureUdnNode(N1, netB(N1), opts(N1));
    const b2 = await ensureUdnNode(N2, netB(N2), opts(N2));
    assert.deepEqual([a1.bridge, a1.mtu, a1.router, a1.gatewayMac], ['vnu1', 1450, `${PREFIX}r1-n1`, '0a:76:6e:00:00:01']);
    assert.deepEqual([b2.bridge, b2.router], ['vnu2', `${PREFIX}r2-n2`]);
    const [vx] = ipJson<{ mtu: number; master: string; linkinfo: { info_data: { id: number; local: string; port: number } } }[]>(N1, '-d', 'link', 'show', 'dev', 'vnx1');
    assert.deepEqual([vx?.mtu, vx?.master, vx?.linkinfo.info_data.id, vx?.linkinfo.info_data.local, vx?.linkinfo.info_data.port],
      [1450, 'vnu1', 1, '10.89.0.10', 4789]);

    vms.a1 = standInVm('a1', N1, a1.bridge, mac(1), a1.mtu);
    vms.a2 = standInVm('a2', N2, a2.bridge, mac(2), a2.mtu);
    vms.b1 = standInVm('b1', N1, b1.bridge, mac(0x11), b1.mtu);
    vms.b2 = standInVm('b2', N2, b2.bridge, mac(0x12), b2.mtu);
    vms.b3 = standInVm('b3', N1, b1.bridge, mac(0x13), b1.mtu);
    const lease = dhcp(vms.a1);
    assert.ok(lease !== undefined, 'a1 got a lease');
    assert.deepEqual([lease.ip, lease.subnet, lease.router, lease.dns, lease.mtu, lease.hostname, lease.lease, lease.serverid],
      ['192.168.254.10', '255.255.255.0', '192.168.254.1', '198.18.0.53', '1450', 'vm-a1', '3500', '169.254.1.1']);
    assert.equal(dhcp(vms.a2)?.ip, '192.168.254.11');
    const lb1 = dhcp(vms.b1);
    assert.deepEqual([lb1?.ip, lb1?.hostname, lb1?.dns], ['192.168.254.10', 'vm-b1', undefined], 'B: same address as a1, no DNS configured');
    assert.equal(dhcp(vms.b2)?.ip, '192.168.254.11');
    assert.equal(dhcp(vms.b3)?.ip, '192.168.254.12');
    const stranger = standInVm('x', N1, a1.bridge, '02:5a:00:00:01:99', a1.mtu);
    assert.equal(dhcp(stranger, 2), undefined, 'an unknown MAC gets no lease');
    // Every DISCOVER above stayed on its node: the rule keeping DHCP off the overlay counted them.
    const rules = inNs(N1, 'nft', 'list', 'chain', 'bridge', 'vn_udn', 'forward');
    const kept = /oifname "vnx\*" udp dport 67 counter packets (\d+)/.exec(rules);
    assert.ok(kept && Number(kept[1]) > 0, `DHCP broadcasts kept off the overlay on n1:\n${rules}`);
  });

  it('VMs reach each other across nodes over VXLAN, A and B with the same addresses at once, each at its local gateway', () => {
    assert.ok(pings(vms.a1!, '192.168.254.11'), 'a1 (n1) → a2 (n2) over VXLAN');
    assert.ok(pings(vms.b1!, '192.168.254.11'), 'b1 (n1) → b2 (n2), same addresses as A');
    assert.ok(pings(vms.b2!, '192.168.254.12'), 'b2 (n2) → b3 (n1)');
    assert.ok(pings(vms.a2!, '192.168.254.1'), 'a2 → its gateway');
    // The gateway MAC never crosses the overlay: each node's bridge knows it on the local router port only.
    const fdb = JSON.parse(sh('bridge', ['-n', N2, '-json', 'fdb', 'show', 'br', 'vnu1'])) as { mac: string; ifname: string }[];
    assert.deepEqual([...new Set(fdb.filter((e) => e.mac === '0a:76:6e:00:00:01').map((e) => e.ifname))], ['vnr1']);
    const [neigh] = ipJson<{ lladdr?: string }[]>(vms.a2!, 'neigh', 'show', '192.168.254.1');
    assert.equal(neigh?.lladdr, '0a:76:6e:00:00:01');
  });

  it('isolates: no path from A to B, to the pod network or to the node, nor from them to A', () => {
    assert.ok(silent(vms.a1!, '192.168.254.12'), 'a1 cannot reach b3 (same subnet, other UDN, same node)');
    assert.ok(silent(vms.a1!, transitPair(2).router), "a1 cannot reach B's router through the node");
    assert.ok(silent(vms.a1!, '10.128.0.1'), "a1 cannot reach the node's pod network address");
    assert.ok(silent(vms.a1!, NODE_IP[N1]!), "a1 cannot reach the node's own address");
    assert.ok(silent(vms.a1!, '10.128.2.1'), "a1 cannot reach the other node's pod network");
    const pod = `${RUN}-pod`;
    sh('ip', ['netns', 'add', pod]);
    batch(N1, [`link add ${RUN}p type veth peer name eth0 netns ${pod}`, `link set ${RUN}p master vn-pod`, `link set ${RUN}p up`]);
    batch(pod, ['link set lo up', 'addr add 10.128.0.5/23 dev eth0', 'link set eth0 up', 'route add default via 10.128.0.1']);
    assert.ok(pings(pod, INTERNET), 'the stand-in pod itself works');
    assert.ok(silent(vms.a1!, '10.128.0.5'), 'a1 cannot reach a pod on its node');
    assert.ok(silent(pod, transitPair(1).router), "the pod cannot reach A's router");
    assert.ok(silent(pod, '192.168.254.10'), 'the pod cannot reach A (no route; the uplink leads outside)');
    assert.ok(silent(N1, transitPair(1).router), "the node cannot reach A's router");
    sh('ip', ['-n', N1, 'link', 'del', `${RUN}p`]);
    sh('ip', ['netns', 'del', pod]);
  });

  it('egress: VMs of both networks reach the internet host, which sees the node address', async () => {
    assert.ok(pings(vms.a1!, INTERNET), 'a1 → internet');
    assert.ok(pings(vms.b1!, INTERNET), 'b1 (same address as a1) → internet');
    assert.ok(pings(vms.a2!, INTERNET), 'a2 (node 2) → internet');
    const l = peerSeenByInternet(8089);
    await l.ready;
    inNs(vms.b2!, 'busybox', 'nc', '-w', '3', INTERNET, '8089');
    assert.equal(await l.seen, NODE_IP[N2], 'the internet host sees node 2');
    assert.ok(silent(I, transitPair(1).router), "nothing outside reaches A's router");
  });

  it('updates reservations without a restart and reconciles peers without remaking links', async () => {
    const pid = daemonPids().sort();
    const vm = standInVm('a3', N2, 'vnu1', mac(3), 1450);
    assert.equal(dhcp(vm, 1), undefined, 'not reserved yet');
    await setReservations(N2, 'ns-a/udn-a', [...A_RES, { mac: mac(3), ip: '192.168.254.30', hostname: 'vm-a3' }], opts(N2));
    assert.deepEqual(daemonPids().sort(), pid, 'the same daemons serve');
    const l = dhcp(vm);
    assert.deepEqual([l?.ip, l?.hostname], ['192.168.254.30', 'vm-a3']);
    assert.ok(pings(vm, '192.168.254.10'), 'a3 (n2) → a1 (n1)');

    const index = (): number | undefined => ipJson<{ ifindex: number }[]>(N1, 'link', 'show', 'dev', 'vnx1')[0]?.ifindex;
    const before = index();
    const flood = (): string[] => (JSON.parse(sh('bridge', ['-n', N1, '-json', 'fdb', 'show', 'dev', 'vnx1'])) as { mac: string; dst?: string }[])
      .filter((e) => e.mac === '00:00:00:00:00:00').map((e) => e.dst ?? '').sort();
    await ensureUdnNode(N1, { ...netA(N1), peers: ['10.89.0.11', '10.89.0.12'] }, opts(N1));
    assert.deepEqual(flood(), ['10.89.0.11', '10.89.0.12']);
    await ensureUdnNode(N1, netA(N1), opts(N1));
    assert.deepEqual(flood(), ['10.89.0.11']);
    assert.equal(index(), before, 'the VXLAN device was kept');
    assert.ok(pings(vms.a1!, '192.168.254.11'), 'a1 → a2 still');
  });

  it('removal leaves nothing and is idempotent', async () => {
    // The node ends go first: a namespace's links die asynchronously after `ip netns del`.
    for (const [tag, node] of vmNode) {
      sh('ip', ['-n', node, 'link', 'del', `${RUN}v${tag}`]);
      sh('ip', ['netns', 'del', `${RUN}-vm-${tag}`]);
    }
    for (const n of [N1, N2]) {
      for (let i = 0; i < 2; i++) {
        await removeUdnNode(n, 'ns-a/udn-a', opts(n));
        await removeUdnNode(n, 'ns-b/udn-b', opts(n));
      }
    }
    assert.deepEqual(ourNamespaces().sort(), [I, N1, N2, R].sort());
    for (const n of [N1, N2]) {
      const links = ipJson<{ ifname: string }[]>(n, 'link', 'show').map((l) => l.ifname).sort();
      assert.deepEqual(links, ['eth0', 'lo', 'vn-pod'], `${n} has only its own links`);
      const tables = inNs(n, 'nft', 'list', 'tables');
      assert.doesNotMatch(tables, /vn_udn/, `${n}: no UDN tables`);
    }
    assert.deepEqual(daemonPids(), [], 'the DHCP daemons stopped');
    assert.deepEqual(existsSync(runDir) ? readdirSync(runDir) : [], []);
  });
});
