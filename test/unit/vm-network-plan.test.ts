// The pure parts of src/agent/vm-network: pod slices and the node's pod network plan, the launcher plan,
// MAC spoof check scripts and the bridge capacity map.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VmNetworkError } from '../../src/agent/vm-network/error.js';
import { formatIpv4, parseCidr, parseIpv4 } from '../../src/common/ipv4.js';
import {
  diffRoutes, planPodNetwork, podAddress, podGateway, podSlice, sliceCount, validatePodNetwork,
} from '../../src/agent/vm-network/pod-network-plan.js';
import {
  launcherFiles, launcherNetns, nodeSideIfName, planLauncher, planNicHotplug, validateLauncherSpec,
} from '../../src/agent/vm-network/launcher-plan.js';
import type { LauncherFacts, LauncherNic, LauncherSpec, NodeBridgeFact } from '../../src/agent/vm-network/launcher-plan.js';
import { macspoofPortsTagged, renderMacspoofAdd, renderMacspoofRemove } from '../../src/agent/vm-network/macspoof-plan.js';
import { bridgeCapacity, bridgeCapacityPatch } from '../../src/agent/vm-network/bridge-marker.js';

const fails = (fn: () => unknown, message: string | RegExp): void => {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof VmNetworkError, `VmNetworkError, got ${e.name}: ${e.message}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
};

describe('ipv4', () => {
  it('parses addresses and networks strictly', () => {
    for (const [s, n] of [['0.0.0.0', 0], ['10.128.0.1', 0x0a800001], ['255.255.255.255', 0xffffffff]] as const) {
      assert.equal(parseIpv4(s), n);
      assert.equal(formatIpv4(n), s);
    }
    for (const bad of ['10.128.0', '256.0.0.1', '01.2.3.4', '1.2.3.4 ', 'a.b.c.d']) assert.equal(parseIpv4(bad), undefined, bad);
    assert.deepEqual(parseCidr('10.128.0.0/14'), { network: 0x0a800000, prefix: 14 });
    for (const bad of ['10.128.0.1/23', '10.128.0.0', '10.128.0.0/33', '10.128.0.0/x']) assert.equal(parseCidr(bad), undefined, bad);
  });
});

describe('pod slices', () => {
  it('cuts the cluster network into /23 slices as OpenShift does', () => {
    assert.equal(sliceCount(), 512);
    const table: [number, string][] = [[0, '10.128.0.0/23'], [1, '10.128.2.0/23'], [128, '10.129.0.0/23'], [511, '10.131.254.0/23']];
    for (const [i, s] of table) assert.equal(podSlice(i), s);
    assert.equal(podSlice(3, '10.0.0.0/16', 24), '10.0.3.0/24');
    fails(() => podSlice(512), 'pod network slice 512 does not exist: 10.128.0.0/14 has 512 slices of /23');
    fails(() => podSlice(-1), /does not exist/);
    fails(() => sliceCount('10.128.0.0/14', 12), /host prefix 12/);
  });

  it('names the gateway and the pod addresses of a slice', () => {
    assert.equal(podGateway('10.128.2.0/23'), '10.128.2.1');
    assert.equal(podAddress('10.128.2.0/23', 0), '10.128.2.2');
    assert.equal(podAddress('10.128.2.0/23', 255), '10.128.3.1');
    assert.equal(podAddress('10.128.2.0/23', 508), '10.128.3.254');
    fails(() => podAddress('10.128.2.0/23', 509), 'pod address 509 does not exist: 10.128.2.0/23 has 509 pod addresses');
  });
});

describe('node pod network plan', () => {
  const spec = { slice: '10.128.0.0/23', peers: [{ slice: '10.128.2.0/23', nodeIP: '10.89.0.11' }, { slice: '10.128.4.0/23', nodeIP: '10.89.0.12' }] };

  it('creates the bridge, gateway address and routes on an empty node', () => {
    const p = planPodNetwork(spec, { routes: [] });
    assert.equal(p.gateway, '10.128.0.1');
    assert.deepEqual(p.ip, [
      ['link', 'add', 'vn-pod', 'type', 'bridge'],
      ['addr', 'add', '10.128.0.1/23', 'dev', 'vn-pod'],
      ['link', 'set', 'vn-pod', 'up'],
      ['route', 'replace', '10.128.2.0/23', 'via', '10.89.0.11', 'proto', '118'],
      ['route', 'replace', '10.128.4.0/23', 'via', '10.89.0.12', 'proto', '118'],
    ]);
    assert.deepEqual(p.sysctls, ['net.ipv4.ip_forward=1']);
    assert.match(p.nft, /^add table ip vn_pod\ndelete table ip vn_pod\ntable ip vn_pod \{/);
    assert.match(p.nft, /ip saddr 10\.128\.0\.0\/23 ip daddr != 10\.128\.0\.0\/14 oifname "eth0" masquerade/);
  });

  it('changes nothing on a node that is as wanted, and only what differs otherwise', () => {
    const bridge = { addresses: ['10.128.0.1/23'], mtu: 1500, up: true };
    const routes = [{ dst: '10.128.2.0/23', via: '10.89.0.11' }, { dst: '10.128.4.0/23', via: '10.89.0.12' }];
    assert.deepEqual(planPodNetwork(spec, { bridge, routes }).ip, []);
    const p = planPodNetwork({ ...spec, uplink: 'ens3', mtu: 1400 }, {
      bridge: { addresses: ['10.128.6.1/23'], mtu: 1500, up: false },
      routes: [{ dst: '10.128.2.0/23', via: '10.89.0.99' }, { dst: '10.128.8.0/23', via: '10.89.0.13' }],
    });
    assert.deepEqual(p.ip, [
      ['link', 'set', 'vn-pod', 'mtu', '1400'],
      ['addr', 'del', '10.128.6.1/23', 'dev', 'vn-pod'],
      ['addr', 'add', '10.128.0.1/23', 'dev', 'vn-pod'],
      ['link', 'set', 'vn-pod', 'up'],
      ['route', 'del', '10.128.8.0/23', 'proto', '118'],
      ['route', 'replace', '10.128.2.0/23', 'via', '10.89.0.11', 'proto', '118'],
      ['route', 'replace', '10.128.4.0/23', 'via', '10.89.0.12', 'proto', '118'],
    ]);
    assert.match(p.nft, /oifname "ens3" masquerade/);
  });

  it('diffs routes by destination', () => {
    const a = { dst: '10.128.2.0/23', via: '10.89.0.11' };
    const b = { dst: '10.128.4.0/23', via: '10.89.0.12' };
    const table: [typeof a[], typeof a[], { add: typeof a[]; del: typeof a[] }][] = [
      [[], [a, b], { add: [a, b], del: [] }],
      [[a, b], [a], { add: [], del: [b] }],
      [[{ ...a, via: '10.89.0.1' }], [a], { add: [a], del: [] }],
      [[a], [a], { add: [], del: [] }],
    ];
    for (const [cur, want, out] of table) assert.deepEqual(diffRoutes(cur, want), out);
  });

  it('rejects slices outside the cluster network, overlaps and bad addresses', () => {
    fails(() => validatePodNetwork({ slice: '10.200.0.0/23', peers: [] }), 'pod slice 10.200.0.0/23 is not inside the cluster network 10.128.0.0/14');
    fails(() => validatePodNetwork({ slice: '10.128.0.1/23', peers: [] }), /is not an IPv4 network/);
    fails(() => validatePodNetwork({ slice: '10.128.0.0/23', peers: [{ slice: '10.128.0.0/22', nodeIP: '10.89.0.11' }] }),
      'peer slice 10.128.0.0/22 overlaps 10.128.0.0/23');
    fails(() => validatePodNetwork({ slice: '10.128.0.0/23', peers: [{ slice: '10.128.2.0/23', nodeIP: 'node-1' }] }), /"node-1" is not an IPv4 address/);
    fails(() => validatePodNetwork({ slice: '10.128.0.0/23', uplink: 'eth0; drop', peers: [] }), /not a valid interface name/);
  });
});

describe('launcher plan', () => {
  const base: LauncherSpec = { prefix: 'vn-lab1-', vmid: 'fedora01-x1', node: 'worker-0', nodeNetns: 'vn-lab1-worker-0', nics: [], runDir: '/run/virtnet' };
  const ns = 'vn-lab1-l-fedora01-x1';
  const pod: LauncherNic = { name: 'default', mac: '02:5a:00:00:00:01', binding: 'masquerade',
    network: { kind: 'pod', podIP: '10.128.0.5', podCIDR: '10.128.0.0/23', gateway: '10.128.0.1' } };
  const flat = (over: Partial<Extract<LauncherNic['network'], { kind: 'bridge-nad' }>> = {}, name = 'flat'): LauncherNic => ({
    name, mac: '02:5a:00:00:00:02', binding: 'bridge', network: { kind: 'bridge-nad', bridge: 'br-flat', macspoofchk: false, ...over },
  });
  const facts = (b: Record<string, NodeBridgeFact> = { 'br-flat': { kind: 'bridge', mtu: 9000, vlanFiltering: false } },
    vlanFilteringSupported?: boolean): LauncherFacts =>
    ({ bridges: new Map(Object.entries(b)), ...(vlanFilteringSupported !== undefined ? { vlanFilteringSupported } : {}) });

  it('names the launcher, its veths and its files', () => {
    assert.equal(launcherNetns('vn-lab1-', 'fedora01-x1'), ns);
    const h = nodeSideIfName(ns, 'default');
    assert.match(h, /^vn-[0-9a-f]{12}$/);
    assert.equal(h.length, 15);
    assert.equal(nodeSideIfName(ns, 'default'), h, 'stable');
    assert.notEqual(nodeSideIfName(ns, 'flat'), h);
    assert.notEqual(nodeSideIfName('vn-lab1-l-other', 'default'), h);
    assert.deepEqual(launcherFiles('/run/virtnet', ns), {
      pid: `/run/virtnet/${ns}.dnsmasq.pid`, leases: `/run/virtnet/${ns}.dnsmasq.leases`, log: `/run/virtnet/${ns}.dnsmasq.log`,
    });
  });

  it('plans a masquerade NIC: veth onto vn-pod, pod IP on eth0, k6t-eth0 with 10.0.2.1, DNAT/SNAT', () => {
    const p = planLauncher({ ...base, nics: [pod] }, facts({}));
    const h = nodeSideIfName(ns, 'default');
    assert.equal(p.netns, ns);
    assert.deepEqual(p.launcherSysctls, ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1', 'net.ipv4.ip_forward=1']);
    assert.deepEqual(p.nodeIp, [
      ['link', 'add', h, 'mtu', '1500', 'type', 'veth', 'peer', 'name', 'eth0', 'mtu', '1500', 'netns', ns],
      ['link', 'set', h, 'master', 'vn-pod'],
      ['link', 'set', h, 'up'],
    ]);
    assert.deepEqual(p.launcherIp, [
      ['link', 'set', 'lo', 'up'],
      ['link', 'add', 'k6t-eth0', 'mtu', '1500', 'type', 'bridge'],
      ['link', 'set', 'k6t-eth0', 'address', '02:00:00:00:00:00'],
      ['addr', 'add', '10.0.2.1/24', 'dev', 'k6t-eth0'],
      ['link', 'set', 'k6t-eth0', 'up'],
      ['addr', 'add', '10.128.0.5/23', 'dev', 'eth0'],
      ['link', 'set', 'eth0', 'up'],
      ['route', 'add', 'default', 'via', '10.128.0.1', 'dev', 'eth0'],
    ]);
    assert.match(p.launcherNft ?? '', /iifname "eth0" ip daddr 10\.128\.0\.5 dnat to 10\.0\.2\.2/);
    assert.match(p.launcherNft ?? '', /ip saddr 10\.0\.2\.2 oifname "eth0" snat to 10\.128\.0\.5/);
    assert.equal(p.dnsmasq, undefined);
    assert.equal(p.nodeNft, undefined);
    assert.deepEqual(p.result, { netns: ns, nics: [{ name: 'default', bridge: 'k6t-eth0', mtu: 1500, podInterface: 'eth0', nodeInterface: h,
      ip: { mode: 'static', cidr: '10.0.2.2/24', gateway: '10.0.2.1' } }] });
  });

  it('with guestDhcp, runs a launcher DHCP server that gives exactly the VM MAC 10.0.2.2', () => {
    const p = planLauncher({ ...base, nics: [pod], guestDhcp: true, dnsServers: ['172.30.0.10'], hostname: 'fedora01' }, facts({}));
    assert.deepEqual(p.result.nics[0]?.ip, { mode: 'dhcp' });
    const argv = p.dnsmasq?.argv ?? [];
    for (const a of ['--interface=k6t-eth0', '--bind-interfaces', '--port=0', '--dhcp-range=10.0.2.2,static,255.255.255.0,infinite',
      '--dhcp-host=02:5a:00:00:00:01,10.0.2.2,fedora01,infinite', '--dhcp-option=3,10.0.2.1', '--dhcp-option=6,172.30.0.10',
      '--dhcp-option=26,1500', `--pid-file=/run/virtnet/${ns}.dnsmasq.pid`]) {
      assert.ok(argv.includes(a), `${a} in ${argv.join(' ')}`);
    }
    assert.equal(argv[0], 'dnsmasq');
  });

  it('plans a bridge NIC: veth onto the NAD bridge, net1 in k6t-net1, MTU from the bridge or the NAD, guest DHCP', () => {
    const p = planLauncher({ ...base, nics: [pod, flat(), flat({ mtu: 1400 }, 'flat2')] }, facts());
    const h1 = nodeSideIfName(ns, 'flat');
    assert.deepEqual(p.nodeIp.slice(3, 6), [
      ['link', 'add', h1, 'mtu', '9000', 'type', 'veth', 'peer', 'name', 'net1', 'mtu', '9000', 'netns', ns],
      ['link', 'set', h1, 'master', 'br-flat'],
      ['link', 'set', h1, 'up'],
    ]);
    assert.deepEqual(p.launcherIp.slice(-4), [
      ['link', 'add', 'k6t-net2', 'mtu', '1400', 'type', 'bridge'],
      ['link', 'set', 'net2', 'master', 'k6t-net2'],
      ['link', 'set', 'net2', 'up'],
      ['link', 'set', 'k6t-net2', 'up'],
    ]);
    assert.deepEqual(p.result.nics.map((n) => [n.name, n.bridge, n.podInterface, n.mtu, n.ip.mode]),
      [['default', 'k6t-eth0', 'eth0', 1500, 'static'], ['flat', 'k6t-net1', 'net1', 9000, 'dhcp'], ['flat2', 'k6t-net2', 'net2', 1400, 'dhcp']]);
    assert.deepEqual(p.nodeBridge, []);
    assert.equal(p.nodeNft, undefined, 'no macspoofchk, no rules');
  });

  it('adds macspoof elements tagged with the launcher for macspoofchk NICs', () => {
    const p = planLauncher({ ...base, nics: [flat({ macspoofchk: true })] }, facts());
    const h = nodeSideIfName(ns, 'flat');
    assert.deepEqual(p.macspoof, [{ port: h, mac: '02:5a:00:00:00:02' }]);
    assert.match(p.nodeNft ?? '', new RegExp(`add element bridge vn_macspoof allowed \\{ "${h}" \\. 02:5a:00:00:00:02 comment "${ns}" \\}`));
    assert.deepEqual(p.launcherSysctls, ['net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  });

  it('fails clearly when the node lacks the bridge or VLAN filtering', () => {
    fails(() => planLauncher({ ...base, nics: [flat()] }, facts({})), 'bridge "br-flat" not found on node worker-0');
    assert.throws(() => planLauncher({ ...base, nics: [flat({ vlan: 10 })] }, facts(undefined, false)), { code: 'not-supported' });
    assert.throws(() => planLauncher({ ...base, nics: [flat()] }, facts({})), { code: 'bridge-not-found' });
    assert.throws(() => validateLauncherSpec({ ...base, vmid: 'X' }), { code: 'invalid' });
    fails(() => planLauncher({ ...base, nics: [flat()] }, facts({ 'br-flat': { kind: 'other', linkKind: 'veth' } })),
      '"br-flat" on node worker-0 is a veth link, not a Linux bridge');
    fails(() => planLauncher({ ...base, nics: [flat({ vlan: 10 })] }, facts(undefined, false)),
      "VLAN 10 on bridge br-flat needs bridge VLAN filtering, which this node's kernel does not support");
  });

  it('makes the VM port an access port of its VLAN where the kernel filters VLANs', () => {
    const h = nodeSideIfName(ns, 'flat');
    const p = planLauncher({ ...base, nics: [flat({ vlan: 10, preserveDefaultVlan: false })] }, facts(undefined, true));
    assert.deepEqual(p.nodeIp.at(-1), ['link', 'set', 'br-flat', 'type', 'bridge', 'vlan_filtering', '1']);
    assert.deepEqual(p.nodeBridge, [['vlan', 'add', 'dev', h, 'vid', '10', 'pvid', 'untagged'], ['vlan', 'del', 'dev', h, 'vid', '1']]);
    const on = planLauncher({ ...base, nics: [flat({ vlan: 10 })] },
      facts({ 'br-flat': { kind: 'bridge', mtu: 1500, vlanFiltering: true } }));
    assert.ok(!on.nodeIp.some((l) => l.includes('vlan_filtering')), 'already filtering: left as is');
    assert.deepEqual(on.nodeBridge, [['vlan', 'add', 'dev', h, 'vid', '10', 'pvid', 'untagged']]);
  });

  it('hot plugs a bridge NIC as the next net<N>, and only bridge NICs', () => {
    const h = nodeSideIfName(ns, 'hot');
    const p = planNicHotplug(base, flat({ macspoofchk: true }, 'hot'), facts(), ['lo', 'eth0', 'k6t-eth0', 'net1', 'k6t-net1', 'net3', 'tap0']);
    assert.deepEqual(p.nic, { name: 'hot', bridge: 'k6t-net4', ip: { mode: 'dhcp' }, mtu: 9000, podInterface: 'net4', nodeInterface: h });
    assert.deepEqual(p.nodeIp[0], ['link', 'add', h, 'mtu', '9000', 'type', 'veth', 'peer', 'name', 'net4', 'mtu', '9000', 'netns', ns]);
    assert.deepEqual(p.launcherIp[0], ['link', 'add', 'k6t-net4', 'mtu', '9000', 'type', 'bridge']);
    assert.match(p.nodeNft ?? '', new RegExp(`add element bridge vn_macspoof ports \\{ "${h}" comment "${ns}" \\}`));
    assert.equal(planNicHotplug(base, flat(), facts(), ['lo']).nic.podInterface, 'net1');
    fails(() => planNicHotplug(base, pod, facts(), []), 'interface default: only bridge-binding interfaces can be hot plugged');
  });

  it('rejects what KubeVirt or virtnet does not allow, before looking at the node', () => {
    const table: [Partial<LauncherSpec>, string | RegExp][] = [
      [{ nics: [{ ...flat(), binding: 'masquerade' }] }, 'Masquerade interface only implemented with pod network'],
      [{ nics: [{ ...pod, mac: '02:00:00:00:00:00' }] }, 'The requested MAC address is reserved for the in-pod bridge. Please choose another one.'],
      [{ nics: [pod, { ...pod, name: 'second' }] }, 'more than one interface is connected to a pod network'],
      [{ nics: [{ ...pod, binding: 'bridge' }] }, /only masquerade binding is implemented on the pod network/],
      [{ nics: [flat(), flat()] }, 'interface flat is listed twice'],
      [{ nics: [{ ...flat(), name: 'a b' }] }, /Network interface name can only contain/],
      [{ nics: [{ ...flat(), mac: '02:5A:00:00:00:02' }] }, /not a MAC address in lowercase colon form/],
      [{ nics: [{ ...flat(), mac: '03:5a:00:00:00:02' }] }, /is a multicast address/],
      [{ nics: [flat({ bridge: 'vn-pod' })] }, /bridge vn-pod is the pod network's own/],
      [{ nics: [flat({ bridge: 'br"x' })] }, /not a valid interface name/],
      [{ nics: [flat({ vlan: 4095 })] }, /VLAN 4095 must be an integer between 0 and 4094/],
      [{ nics: [{ ...pod, network: { kind: 'pod', podIP: '10.128.2.5', podCIDR: '10.128.0.0/23', gateway: '10.128.0.1' } }] },
        'pod IP 10.128.2.5 is not a host address of 10.128.0.0/23'],
      [{ vmid: 'Fedora' }, /invalid VM id/],
      [{ prefix: 'lab-' }, /invalid name prefix/],
      [{ runDir: 'run' }, /runDir must be absolute/],
      [{ dnsServers: ['dns.local'] }, /DNS server "dns.local"/],
    ];
    for (const [over, msg] of table) fails(() => validateLauncherSpec({ ...base, ...over }), msg);
    assert.deepEqual(validateLauncherSpec({ ...base, nics: [pod, flat({ vlan: 0 }), flat({ bridge: 'br-x', vlan: 7 }, 'x')] }),
      { bridges: ['br-flat', 'br-x'], vlan: true });
  });
});

describe('macspoof scripts', () => {
  it('ensures the table and its two rules, then tags the elements', () => {
    const s = renderMacspoofAdd([{ port: 'vn-0123456789ab', mac: '02:5a:00:00:00:02' }], 'vn-lab1-l-vm1');
    assert.equal(s, [
      'add table bridge vn_macspoof',
      'add set bridge vn_macspoof ports { type ifname; }',
      'add set bridge vn_macspoof allowed { type ifname . ether_addr; }',
      'add chain bridge vn_macspoof prerouting { type filter hook prerouting priority -300; policy accept; }',
      'flush chain bridge vn_macspoof prerouting',
      'add rule bridge vn_macspoof prerouting iifname @ports iifname . ether saddr != @allowed drop',
      'add rule bridge vn_macspoof prerouting iifname @ports iifname . arp saddr ether != @allowed drop',
      'add element bridge vn_macspoof ports { "vn-0123456789ab" comment "vn-lab1-l-vm1" }',
      'add element bridge vn_macspoof allowed { "vn-0123456789ab" . 02:5a:00:00:00:02 comment "vn-lab1-l-vm1" }',
      '',
    ].join('\n'));
    assert.throws(() => renderMacspoofAdd([{ port: 'x"; flush ruleset', mac: '02:5a:00:00:00:02' }], 't'));
  });

  it('finds a launcher\'s elements in nft -j output and removes them idempotently', () => {
    // As `nft -j list table bridge vn_macspoof` prints it (nftables 1.0.6).
    const listing = { nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'bridge', name: 'vn_macspoof', handle: 1 } },
      { set: { family: 'bridge', name: 'ports', table: 'vn_macspoof', type: 'ifname', handle: 2,
        elem: [{ elem: { val: 'vn-aaaaaaaaaaaa', comment: 'vn-x-l-vm1' } }, { elem: { val: 'vn-bbbbbbbbbbbb', comment: 'vn-x-l-vm2' } }] } },
      { set: { family: 'bridge', name: 'allowed', table: 'vn_macspoof', type: ['ifname', 'ether_addr'], handle: 3,
        elem: [{ elem: { val: { concat: ['vn-aaaaaaaaaaaa', '02:00:00:00:00:01'] }, comment: 'vn-x-l-vm1' } },
          { elem: { val: { concat: ['vn-bbbbbbbbbbbb', '02:00:00:00:00:02'] }, comment: 'vn-x-l-vm2' } }] } },
    ] };
    const mine = macspoofPortsTagged(listing, 'vn-x-l-vm1');
    assert.deepEqual(mine, [{ port: 'vn-aaaaaaaaaaaa', mac: '02:00:00:00:00:01' }]);
    assert.deepEqual(macspoofPortsTagged(listing, 'vn-x-l-vm9'), []);
    assert.deepEqual(macspoofPortsTagged(undefined, 'vn-x-l-vm1'), []);
    assert.equal(renderMacspoofRemove(mine), [
      'add element bridge vn_macspoof ports { "vn-aaaaaaaaaaaa" }',
      'delete element bridge vn_macspoof ports { "vn-aaaaaaaaaaaa" }',
      'add element bridge vn_macspoof allowed { "vn-aaaaaaaaaaaa" . 02:00:00:00:00:01 }',
      'delete element bridge vn_macspoof allowed { "vn-aaaaaaaaaaaa" . 02:00:00:00:00:01 }',
      '',
    ].join('\n'));
    assert.equal(renderMacspoofRemove([]), '');
  });
});

describe('bridge capacity (bridge-marker)', () => {
  it('lists every Linux bridge but virtnet\'s own, from iproute2 or NodeNetworkState', () => {
    const ip = [
      { ifname: 'lo' }, { ifname: 'eth1', linkinfo: { info_kind: 'veth' } }, { ifname: 'br-flat', linkinfo: { info_kind: 'bridge' } },
      { ifname: 'vn-pod', linkinfo: { info_kind: 'bridge' } }, { ifname: 'k6t-net1', linkinfo: { info_kind: 'bridge' } },
      { ifname: 'br-a', linkinfo: { info_kind: 'bridge' } },
    ];
    assert.deepEqual(bridgeCapacity(ip), { 'bridge.network.kubevirt.io/br-a': '1k', 'bridge.network.kubevirt.io/br-flat': '1k' });
    const nns = [{ name: 'br-flat', type: 'linux-bridge' }, { name: 'eth1', type: 'ethernet' }, { name: 'ovs-br', type: 'ovs-bridge' }];
    assert.deepEqual(bridgeCapacity(nns), { 'bridge.network.kubevirt.io/br-flat': '1k' });
    assert.deepEqual(bridgeCapacity([]), {});
  });

  it('patches a node\'s capacity: adds new bridges, removes gone ones, leaves other resources', () => {
    const current = { cpu: '4', 'bridge.network.kubevirt.io/br-old': '1k', 'bridge.network.kubevirt.io/br-flat': '1k' };
    assert.deepEqual(bridgeCapacityPatch(current, [{ name: 'br-flat', type: 'linux-bridge' }, { name: 'br-new', type: 'linux-bridge' }]),
      { 'bridge.network.kubevirt.io/br-old': null, 'bridge.network.kubevirt.io/br-new': '1k' });
    assert.deepEqual(bridgeCapacityPatch(current, [{ name: 'br-flat', type: 'linux-bridge' }, { name: 'br-old', type: 'linux-bridge' }]), {});
  });
});
