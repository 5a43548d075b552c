// The VM network data plane on the real kernel: two "nodes" on a machine network behind a router that
// reaches an "internet" host, each with br-flat on a flat network served by dnsmasq (the lab in miniature,
// built here with plain iproute2 so the test does not depend on the lab code). Stand-in VMs are plain
// namespaces with a veth onto the launcher's k6t-* bridge (what the netns runtime does).
// Everything is named `vn-t<random6>-…` and removed in `after`; the last test asserts nothing is left.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  VmNetworkError, addLauncherNic, bridgeCapacity, ensurePodNetwork, podAddress, podGateway, podSlice, readBridgeCapacity,
  removeLauncherNic, setupLauncher, teardownLauncher,
} from '../../src/agent/vm-network/index.js';
import type { LauncherNic, LauncherResult, LauncherSpec } from '../../src/agent/vm-network/index.js';

const RUN = `vn-t${randomBytes(3).toString('hex')}`;
const PREFIX = `${RUN}-`;
const R = `${RUN}-r`; // router: machine bridge, flat bridge + dnsmasq
const I = `${RUN}-i`; // internet host 198.18.0.10
const N1 = `${RUN}-n1`;
const N2 = `${RUN}-n2`;
const INTERNET = '198.18.0.10';
const NODE_IP = { [N1]: '10.89.0.10', [N2]: '10.89.0.11' };

const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : false;

function sh(file: string, args: string[], allowFail = false): string {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 15_000 });
  if (r.status !== 0 && !allowFail) throw new Error(`${file} ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
  return r.stdout ?? '';
}
const ip = (ns: string, ...args: string[]): string => sh('ip', ['-n', ns, ...args]);
const ipJson = <T>(ns: string, ...args: string[]): T => JSON.parse(ip(ns, '-json', ...args) || '[]') as T;
const inNs = (ns: string, file: string, ...args: string[]): string => sh('ip', ['netns', 'exec', ns, file, ...args]);
const batch = (ns: string, lines: string[]): void => {
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: lines.join('\n') + '\n', timeout: 15_000 });
};
const ourNamespaces = (): string[] =>
  sh('ip', ['netns', 'list']).split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(PREFIX));

/** One echo answered within a few tries (an ARP resolution may eat the first). */
function pings(ns: string, dst: string, tries = 3): boolean {
  for (let i = 0; i < tries; i++) {
    if (spawnSync('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', '1', '-W', '2', dst], { timeout: 10_000 }).status === 0) return true;
  }
  return false;
}

/** No answer to two echoes a short while apart (the path is cut, not slow: the same path answers above). */
function silent(ns: string, dst: string): boolean {
  return spawnSync('ip', ['netns', 'exec', ns, 'ping', '-n', '-q', '-c', '2', '-i', '0.2', '-W', '1', dst], { timeout: 10_000 }).status !== 0;
}

const tmp = mkdtempSync(join(tmpdir(), `${RUN}-`));
const runDir = join(tmp, 'run');
const flatPid = join(tmp, `${RUN}-flat.pid`);
const udhcpcScript = join(tmp, 'udhcpc.script');

function buildTopology(): void {
  for (const ns of [R, I, N1, N2]) sh('ip', ['netns', 'add', ns]);
  batch(R, [
    'link set lo up',
    `link add ${RUN}m type bridge`, `link set ${RUN}m up`, `addr add 10.89.0.1/24 dev ${RUN}m`,
    `link add ${RUN}f type bridge`, `link set ${RUN}f up`, `addr add 192.168.64.1/18 dev ${RUN}f`,
    `link add ${RUN}i type veth peer name eth0 netns ${I}`, `addr add 198.18.0.1/24 dev ${RUN}i`, `link set ${RUN}i up`,
  ]);
  batch(I, ['link set lo up', `addr add ${INTERNET}/24 dev eth0`, 'link set eth0 up', 'route add default via 198.18.0.1']);
  inNs(R, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
  for (const [k, n] of [[1, N1], [2, N2]] as const) {
    batch(R, [
      `link add ${RUN}a${k} type veth peer name eth0 netns ${n}`, `link set ${RUN}a${k} master ${RUN}m`, `link set ${RUN}a${k} up`,
      `link add ${RUN}b${k} type veth peer name eth1 netns ${n}`, `link set ${RUN}b${k} master ${RUN}f`, `link set ${RUN}b${k} up`,
    ]);
    batch(n, [
      'link set lo up', `addr add ${NODE_IP[n]}/24 dev eth0`, 'link set eth0 up', 'route add default via 10.89.0.1',
      'link add br-flat type bridge', 'link set eth1 master br-flat', 'link set eth1 up', 'link set br-flat up',
    ]);
  }
  inNs(R, 'dnsmasq', '--conf-file=/dev/null', `--pid-file=${flatPid}`, `--interface=${RUN}f`, '--bind-interfaces',
    '--except-interface=lo', '--port=0', '--dhcp-range=192.168.64.100,192.168.64.200,255.255.192.0,1h',
    `--dhcp-leasefile=${join(tmp, `${RUN}-flat.leases`)}`, '--dhcp-authoritative', '--no-ping',
    '--dhcp-option=3', '--dhcp-option=6');
  writeFileSync(udhcpcScript, [
    '#!/bin/sh',
    'case "$1" in',
    '  bound|renew)',
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
function standInVm(tag: string, launcher: string, bridge: string, mac: string): string {
  const vm = `${RUN}-vm-${tag}`;
  const port = `${RUN}t${tag}`;
  sh('ip', ['netns', 'add', vm]);
  batch(launcher, [`link add ${port} type veth peer name eth0 netns ${vm}`, `link set ${port} master ${bridge}`, `link set ${port} up`]);
  batch(vm, ['link set lo up', `link set eth0 address ${mac}`, 'link set eth0 up']);
  return vm;
}

function dhcp(vm: string): string {
  inNs(vm, 'busybox', 'udhcpc', '-i', 'eth0', '-f', '-q', '-n', '-t', '5', '-T', '1', '-s', udhcpcScript);
  const [eth0] = ipJson<{ addr_info: { family: string; local: string }[] }[]>(vm, 'addr', 'show', 'dev', 'eth0');
  const a = eth0?.addr_info.find((x) => x.family === 'inet')?.local;
  assert.ok(a !== undefined, `${vm} got a DHCP lease`);
  return a;
}

const podNic = (slice: string, n: number, mac: string): LauncherNic => ({
  name: 'default', mac, binding: 'masquerade',
  network: { kind: 'pod', podIP: podAddress(slice, n), podCIDR: slice, gateway: podGateway(slice) },
});
const flatNic = (mac: string, macspoofchk: boolean, vlan?: number): LauncherNic => ({
  name: 'flat', mac, binding: 'bridge',
  network: { kind: 'bridge-nad', bridge: 'br-flat', macspoofchk, ...(vlan !== undefined ? { vlan } : {}) },
});

const made = new Map<string, { nodeNetns: string; nicNames: string[] }>();
async function launch(vmid: string, node: string, nics: LauncherNic[], extra: Partial<LauncherSpec> = {}): Promise<LauncherResult> {
  const spec: LauncherSpec = { prefix: PREFIX, vmid, node: node.slice(PREFIX.length), nodeNetns: node, nics, runDir, ...extra };
  made.set(vmid, { nodeNetns: node, nicNames: nics.map((n) => n.name) });
  return setupLauncher(spec);
}

function dnsmasqPids(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return argv.startsWith('dnsmasq') && argv.includes(`/${PREFIX}`) && !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
}

describe('VM networking on the kernel', { skip }, () => {
  const S1 = podSlice(0);
  const S2 = podSlice(1);

  before(async () => {
    buildTopology();
    await ensurePodNetwork(N1, { slice: S1, peers: [{ slice: S2, nodeIP: NODE_IP[N2]! }] });
    await ensurePodNetwork(N2, { slice: S2, peers: [{ slice: S1, nodeIP: NODE_IP[N1]! }] });
  });

  after(async () => {
    for (const [vmid, m] of made) {
      await teardownLauncher({ prefix: PREFIX, vmid, nodeNetns: m.nodeNetns, runDir, nicNames: m.nicNames }).catch(() => undefined);
    }
    for (const pid of dnsmasqPids()) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    for (const ns of ourNamespaces()) sh('ip', ['netns', 'del', ns], true);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('gives each node its pod slice and reconciles routes to the other slices', async () => {
    const [br] = ipJson<{ addr_info: { local: string; prefixlen: number }[] }[]>(N1, '-4', 'addr', 'show', 'dev', 'vn-pod');
    assert.deepEqual(br?.addr_info.map((a) => `${a.local}/${a.prefixlen}`), ['10.128.0.1/23']);
    const routes = (ns: string): string[] => ipJson<{ dst: string; gateway: string }[]>(ns, 'route', 'show', 'proto', '118')
      .map((r) => `${r.dst} via ${r.gateway}`);
    assert.deepEqual(routes(N1), ['10.128.2.0/23 via 10.89.0.11']);
    assert.equal(inNs(N1, 'sysctl', '-n', 'net.ipv4.ip_forward').trim(), '1');
    assert.match(inNs(N1, 'nft', 'list', 'table', 'ip', 'vn_pod'), /ip saddr 10\.128\.0\.0\/23 ip daddr != 10\.128\.0\.0\/14 oifname "eth0" masquerade/);
    const again = await ensurePodNetwork(N1, { slice: S1, peers: [{ slice: S2, nodeIP: NODE_IP[N2]! }] });
    assert.deepEqual([again.routesAdded, again.routesRemoved], [[], []], 'a second run changes nothing');
    const gone = await ensurePodNetwork(N1, { slice: S1, peers: [] });
    assert.deepEqual(gone.routesRemoved, [{ dst: '10.128.2.0/23', via: '10.89.0.11' }]);
    assert.deepEqual(routes(N1), []);
    await ensurePodNetwork(N1, { slice: S1, peers: [{ slice: S2, nodeIP: NODE_IP[N2]! }] });
    assert.deepEqual(routes(N1), ['10.128.2.0/23 via 10.89.0.11']);
  });

  it('masquerade: a VM reaches the internet host and a VM on the other node by its pod IP', async () => {
    const a = await launch('masq-a', N1, [podNic(S1, 3, '02:5a:00:00:00:0a')]);
    assert.deepEqual(a.nics.map((n) => [n.bridge, n.ip]), [['k6t-eth0', { mode: 'static', cidr: '10.0.2.2/24', gateway: '10.0.2.1' }]]);
    // The other VM is a qemu-style guest: the launcher's DHCP server hands out 10.0.2.2.
    const b = await launch('masq-b', N2, [podNic(S2, 3, '02:5a:00:00:00:0b')], { guestDhcp: true, dnsServers: ['198.18.0.53'] });
    assert.deepEqual(b.nics.map((n) => [n.bridge, n.ip]), [['k6t-eth0', { mode: 'dhcp' }]]);
    assert.equal(b.netns, `${PREFIX}l-masq-b`);

    const vmA = standInVm('a', a.netns, 'k6t-eth0', '02:5a:00:00:00:0a');
    batch(vmA, ['addr add 10.0.2.2/24 dev eth0', 'route add default via 10.0.2.1']);
    const vmB = standInVm('b', b.netns, 'k6t-eth0', '02:5a:00:00:00:0b');
    assert.equal(dhcp(vmB), '10.0.2.2');
    assert.match(ip(vmB, 'route', 'show', 'default'), /via 10\.0\.2\.1/);

    assert.ok(pings(vmA, INTERNET), 'VM a → internet host (NAT at launcher and node)');
    assert.ok(pings(vmB, INTERNET), 'VM b → internet host');
    assert.ok(pings(vmA, podAddress(S2, 3)), 'VM a → VM b by pod IP, across nodes');
    assert.ok(pings(vmB, podAddress(S1, 3)), 'VM b → VM a by pod IP, across nodes');
    assert.ok(silent(I, podAddress(S1, 3)), 'the internet host has no route into the pod network');
  });

  it('bridge NAD: VMs on br-flat of two nodes get DHCP leases and reach each other; macspoofchk drops a changed MAC', async () => {
    const c = await launch('flat-c', N1, [flatNic('02:5a:00:00:00:0c', true)]);
    const d = await launch('flat-d', N2, [flatNic('02:5a:00:00:00:0d', true)]);
    assert.deepEqual(c.nics.map((n) => [n.bridge, n.ip, n.mtu, n.podInterface]), [['k6t-net1', { mode: 'dhcp' }, 1500, 'net1']]);
    const port = c.nics[0]!.nodeInterface;
    assert.equal(ipJson<{ master?: string }[]>(N1, 'link', 'show', 'dev', port)[0]?.master, 'br-flat');

    const vmC = standInVm('c', c.netns, 'k6t-net1', '02:5a:00:00:00:0c');
    const vmD = standInVm('d', d.netns, 'k6t-net1', '02:5a:00:00:00:0d');
    const ipC = dhcp(vmC);
    const ipD = dhcp(vmD);
    assert.match(ipC, /^192\.168\.64\./);
    assert.ok(pings(vmC, ipD), 'c → d over br-flat');
    assert.ok(pings(vmD, ipC), 'd → c over br-flat');

    batch(vmC, ['link set eth0 address 02:5a:00:00:00:ee', 'neigh flush dev eth0']);
    assert.ok(silent(vmC, ipD), 'with macspoofchk, c with a foreign MAC cannot reach d');

    const e = await launch('flat-e', N1, [flatNic('02:5a:00:00:00:0e', false)]);
    const vmE = standInVm('e', e.netns, 'k6t-net1', '02:5a:00:00:00:0e');
    dhcp(vmE);
    batch(vmE, ['link set eth0 address 02:5a:00:00:00:ef', 'neigh flush dev eth0']);
    assert.ok(pings(vmE, ipD), 'without macspoofchk, e with a foreign MAC still reaches d');
  });

  it('hot plugs a bridge NIC into a running launcher and unplugs it again', async () => {
    const ref = { prefix: PREFIX, vmid: 'flat-c', node: 'n1', nodeNetns: N1, runDir };
    const nic = { ...flatNic('02:5a:00:00:00:1c', true), name: 'flat2' };
    const r = await addLauncherNic(ref, nic);
    assert.deepEqual([r.bridge, r.podInterface, r.ip], ['k6t-net2', 'net2', { mode: 'dhcp' }]);
    assert.equal(ipJson<{ master?: string }[]>(N1, 'link', 'show', 'dev', r.nodeInterface)[0]?.master, 'br-flat');
    await assert.rejects(addLauncherNic(ref, nic), /interface flat2 is already plugged/);
    const vmF = standInVm('f', `${PREFIX}l-flat-c`, 'k6t-net2', '02:5a:00:00:00:1c');
    assert.match(dhcp(vmF), /^192\.168\.64\./);
    assert.match(inNs(N1, 'nft', 'list', 'set', 'bridge', 'vn_macspoof', 'allowed'), new RegExp(`"${r.nodeInterface}" \\. 02:5a:00:00:00:1c`));

    await removeLauncherNic(ref, 'flat2');
    await removeLauncherNic(ref, 'flat2');
    assert.ok(!ipJson<{ ifname: string }[]>(N1, 'link', 'show').some((l) => l.ifname === r.nodeInterface), 'node side gone');
    const launcherLinks = ipJson<{ ifname: string }[]>(`${PREFIX}l-flat-c`, 'link', 'show').map((l) => l.ifname);
    assert.ok(!launcherLinks.includes('k6t-net2') && !launcherLinks.includes('net2') && launcherLinks.includes('k6t-net1'), launcherLinks.join(' '));
    assert.doesNotMatch(inNs(N1, 'nft', 'list', 'set', 'bridge', 'vn_macspoof', 'allowed'), new RegExp(r.nodeInterface));
  });

  it('reports the node bridges as capacity, without its own', async () => {
    assert.deepEqual(await readBridgeCapacity(N1), { 'bridge.network.kubevirt.io/br-flat': '1k' });
    assert.deepEqual(bridgeCapacity([]), {});
  });

  it('refuses a NAD whose bridge the node lacks, leaving nothing', async () => {
    const nic: LauncherNic = { ...flatNic('02:5a:00:00:00:10', true), network: { kind: 'bridge-nad', bridge: 'br-nope', macspoofchk: true } };
    await assert.rejects(launch('nobr', N1, [nic]), (e: Error) => e instanceof VmNetworkError && e.message === `bridge "br-nope" not found on node n1`);
    assert.ok(!ourNamespaces().includes(`${PREFIX}l-nobr`));
  });

  it('VLAN on a bridge NAD: works where the kernel filters VLANs, a clear error where it does not', async () => {
    const probe = `${RUN}-vlanprobe`;
    sh('ip', ['netns', 'add', probe]);
    const supported = spawnSync('ip', ['-n', probe, 'link', 'add', 'vn-probe', 'type', 'bridge', 'vlan_filtering', '1']).status === 0;
    sh('ip', ['netns', 'del', probe]);
    if (!supported) {
      console.log('# this kernel has no bridge VLAN filtering: checking the error a VLAN NAD gets');
      await assert.rejects(launch('vlan-x', N1, [flatNic('02:5a:00:00:00:20', true, 10)]), (e: Error) =>
        e instanceof VmNetworkError
        && e.message === "VLAN 10 on bridge br-flat needs bridge VLAN filtering, which this node's kernel does not support");
      assert.ok(!ourNamespaces().includes(`${PREFIX}l-vlan-x`), 'nothing created');
      return;
    }
    console.log('# this kernel filters VLANs on bridges: two VMs on VLAN 10 reach each other, an untagged one does not');
    const x = await launch('vlan-x', N1, [flatNic('02:5a:00:00:00:20', true, 10)]);
    const y = await launch('vlan-y', N1, [flatNic('02:5a:00:00:00:21', true, 10)]);
    const z = await launch('vlan-z', N1, [flatNic('02:5a:00:00:00:22', true)]);
    const vms = [[x, 'x', '20', '10.10.10.1'], [y, 'y', '21', '10.10.10.2'], [z, 'z', '22', '10.10.10.3']] as const;
    for (const [l, tag, m, a] of vms) batch(standInVm(tag, l.netns, 'k6t-net1', `02:5a:00:00:00:${m}`), [`addr add ${a}/24 dev eth0`]);
    assert.match(sh('bridge', ['-n', N1, 'vlan', 'show', 'dev', x.nics[0]!.nodeInterface]), /10 PVID Egress Untagged/);
    assert.ok(pings(`${RUN}-vm-x`, '10.10.10.2'), 'same VLAN');
    assert.ok(silent(`${RUN}-vm-x`, '10.10.10.3'), 'untagged VM is on another VLAN');
  });

  it('teardown removes launchers, veths, macspoof elements and DHCP servers, and is idempotent', async () => {
    assert.ok(dnsmasqPids().length >= 2, 'the flat dnsmasq and the launcher one run');
    for (const [vmid, m] of made) await teardownLauncher({ prefix: PREFIX, vmid, nodeNetns: m.nodeNetns, runDir });
    for (const [vmid, m] of made) await teardownLauncher({ prefix: PREFIX, vmid, nodeNetns: m.nodeNetns, runDir });
    assert.deepEqual(ourNamespaces().filter((n) => n.startsWith(`${PREFIX}l-`)), []);
    for (const n of [N1, N2]) {
      const links = ipJson<{ ifname: string }[]>(n, 'link', 'show').map((l) => l.ifname).sort();
      assert.deepEqual(links, ['br-flat', 'eth0', 'eth1', 'lo', 'vn-pod'], `${n} has only its own links`);
      const spoof = JSON.parse(inNs(n, 'nft', '-j', 'list', 'table', 'bridge', 'vn_macspoof').trim() || '{}') as { nftables?: { set?: { elem?: unknown[] } }[] };
      assert.deepEqual((spoof.nftables ?? []).flatMap((x) => x.set?.elem ?? []), [], `${n}: no macspoof elements left`);
    }
    assert.deepEqual(dnsmasqPids().map((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`${PREFIX}l-`)), [false],
      'only the flat network dnsmasq is left');
    assert.ok(!existsSync(join(runDir, `${PREFIX}l-masq-b.dnsmasq.pid`)));
    assert.deepEqual(existsSync(runDir) ? readdirSync(runDir) : [], []);
  });
});
